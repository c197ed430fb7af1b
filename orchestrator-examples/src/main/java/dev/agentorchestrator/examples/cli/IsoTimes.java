package dev.agentorchestrator.examples.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * Instants and durations in the ISO forms the state store writes ({@code Instant.toString()},
 * {@code Duration.toString()}), read and written by hand for the quick commands:
 * {@code Instant.parse} and {@code Instant.toString} load the whole date-time formatter framework
 * and its lambdas, and {@code Duration.parse} compiles a regular expression, together a good part
 * of a quick command's start-up (docs/benchmarks.md, section 6d). Anything outside the forms the
 * store writes is refused, and the caller falls back to {@code java.time}.
 */
public final class IsoTimes {

    private IsoTimes() {
    }

    /**
     * An instant as {@code Instant.toString()} writes it ({@code 2026-11-30T04:43:01.439967847Z},
     * with 0, 3, 6 or 9 digits of fraction, a year of four digits); anything else throws, and the
     * store reads the record instead.
     */
    public static Instant instant(String text) {
        if (text.length() < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':' || text.charAt(text.length() - 1) != 'Z') {
            throw new IllegalArgumentException("not an instant as the store writes it: " + text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        int end = text.length() - 1;
        if (end > 19) {
            int fraction = end - 20;
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                throw new IllegalArgumentException("not an instant as the store writes it: " + text);
            }
            nanos = digits(text, 20, end);
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
            throw new IllegalArgumentException("not an instant: " + text);
        }
        return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    /** Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
    private static long epochDay(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /**
     * A duration as {@code Duration.toString()} writes it ({@code PT8S}, {@code PT1M30.5S},
     * {@code PT2H}, {@code PT-0.5S}); anything else throws.
     */
    public static Duration duration(String text) {
        if (!text.startsWith("PT") || text.length() < 4) {
            throw new IllegalArgumentException("not a duration as the store writes it: " + text);
        }
        Duration total = Duration.ZERO;
        int at = 2;
        while (at < text.length()) {
            int start = at;
            if (text.charAt(at) == '-') {
                at++;
            }
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                at++;
            }
            if (at >= text.length() || at == start) {
                throw new IllegalArgumentException("not a duration as the store writes it: " + text);
            }
            String number = text.substring(start, at);
            char unit = text.charAt(at++);
            if (unit == 'H') {
                total = total.plusHours(Long.parseLong(number));
            } else if (unit == 'M') {
                total = total.plusMinutes(Long.parseLong(number));
            } else if (unit == 'S' && at == text.length()) {
                total = total.plus(seconds(number));
            } else {
                throw new IllegalArgumentException("not a duration as the store writes it: " + text);
            }
        }
        return total;
    }

    /** {@code 12}, {@code 1.5}, {@code -0.25}: seconds with up to nine digits of fraction. */
    private static Duration seconds(String number) {
        boolean negative = number.startsWith("-");
        String unsigned = negative ? number.substring(1) : number;
        int point = unsigned.indexOf('.');
        long whole = Long.parseLong(point < 0 ? unsigned : unsigned.substring(0, point));
        long nanos = 0;
        if (point >= 0) {
            String fraction = unsigned.substring(point + 1);
            if (fraction.isEmpty() || fraction.length() > 9) {
                throw new IllegalArgumentException("not seconds: " + number);
            }
            nanos = Long.parseLong(fraction);
            for (int i = fraction.length(); i < 9; i++) {
                nanos *= 10;
            }
        }
        Duration d = Duration.ofSeconds(whole, nanos);
        return negative ? d.negated() : d;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a digit in " + text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * What {@code Instant.toString()} writes, for the years 1000 to 9999 (by hand, see above);
     * other years go to {@code Instant.toString()} itself.
     */
    public static String text(Instant instant) {
        long seconds = instant.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // H. Hinnant's civil_from_days.
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 1000 || year > 9999) {
            return instant.toString();
        }
        StringBuilder out = new StringBuilder(30);
        out.append(year).append('-');
        two(out, month).append('-');
        two(out, dayOfMonth).append('T');
        two(out, secondOfDay / 3600).append(':');
        two(out, secondOfDay / 60 % 60).append(':');
        two(out, secondOfDay % 60);
        int nanos = instant.getNano();
        if (nanos > 0) {
            // Like Instant.toString: groups of three digits, as many as the fraction needs.
            String nine = Integer.toString(1_000_000_000 + nanos).substring(1);
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
            out.append('.').append(nine, 0, digits);
        }
        return out.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
