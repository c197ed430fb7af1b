package dev.agentorchestrator.internal.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a feature name into the base of a file name, so that {@code ui/Dashboard} and
 * {@code ui/dashboard} get different files even on a case-insensitive file system (macOS,
 * Windows), and a name with {@code /} or non-ASCII letters stays one flat, portable file.
 *
 * <p>The encoding, character by character:
 * <ul>
 *   <li>{@code a-z}, {@code 0-9}, {@code -}, {@code _} and {@code .} (except a leading one) stay as they are;</li>
 *   <li>an upper-case ASCII letter becomes {@code +} and its lower-case form ({@code A} → {@code +a});</li>
 *   <li>everything else ({@code /}, {@code +}, {@code %}, non-ASCII letters...) becomes {@code %XX} for
 *       each of its UTF-8 bytes, with upper-case hex digits ({@code /} → {@code %2F}, {@code é} → {@code %C3%A9}).</li>
 * </ul>
 * So {@code ui/Dashboard} is stored as {@code ui%2F+dashboard}. Letters outside escapes are always
 * lower case and hex digits always upper case, so two different names never differ only in case.
 * A name whose first part is a Windows device name ({@code con}, {@code nul}, {@code com1}...) gets
 * its first character escaped.
 *
 * <p>Decoding gives the name back, with one exception: a file name must stay short (most file
 * systems allow 255 bytes), and a 100-character name in a non-Latin script takes up to 900
 * characters encoded. No reversible encoding into a case-insensitive ASCII alphabet can fit every
 * such name in 255 characters, so an encoding longer than {@value #MAX_READABLE} characters is cut
 * and ends in {@code ~} and 20 hex digits of the name's SHA-256 ({@code ~} appears nowhere else).
 * Such a file name is unique but not decodable; the store never needs to decode it, because every
 * record holds its own name.
 */
public final class StoreFileNames {

    /** Longest encoding kept whole; leaves room for suffixes such as {@code .json.bak} and temp names. */
    static final int MAX_READABLE = 150;
    private static final int HASH_HEX_DIGITS = 20;
    private static final char HASH_MARK = '~';
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private StoreFileNames() {
    }

    /** The file-name base for {@code name}: only {@code a-z 0-9 - _ . + % ~} and {@code A-F} inside escapes. */
    public static String encode(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a session name must not be empty");
        }
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            int cp = name.codePointAt(i);
            boolean first = i == 0;
            if (cp >= 'a' && cp <= 'z' || cp >= '0' && cp <= '9' || cp == '-' || cp == '_' || cp == '.' && !first) {
                out.append((char) cp);
            } else if (cp >= 'A' && cp <= 'Z') {
                out.append('+').append((char) Character.toLowerCase(cp));
            } else {
                escape(out, name.substring(i, i + Character.charCount(cp)));
            }
            i += Character.charCount(cp);
        }
        String encoded = out.toString();
        String firstPart = encoded.split("\\.", 2)[0];
        if (WINDOWS_DEVICES.contains(firstPart)) {
            StringBuilder escaped = new StringBuilder();
            escape(escaped, encoded.substring(0, 1));
            encoded = escaped + encoded.substring(1);
        }
        return encoded.length() <= MAX_READABLE ? encoded : shortened(encoded, name);
    }

    /**
     * The name that {@link #encode(String)} turned into {@code fileNameBase}; empty when the base
     * is a shortened one (ending in a hash) or is not an encoding at all.
     */
    public static Optional<String> decode(String fileNameBase) {
        if (fileNameBase.isEmpty() || fileNameBase.indexOf(HASH_MARK) >= 0) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < fileNameBase.length()) {
            char c = fileNameBase.charAt(i);
            if (c == '%') {
                if (i + 3 > fileNameBase.length() || !isUpperHex(fileNameBase.charAt(i + 1))
                        || !isUpperHex(fileNameBase.charAt(i + 2))) {
                    return Optional.empty();
                }
                bytes.write(HexFormat.fromHexDigits(fileNameBase, i + 1, i + 3));
                i += 3;
            } else if (c == '+') {
                if (i + 1 >= fileNameBase.length() || fileNameBase.charAt(i + 1) < 'a' || fileNameBase.charAt(i + 1) > 'z') {
                    return Optional.empty();
                }
                bytes.write(Character.toUpperCase(fileNameBase.charAt(i + 1)));
                i += 2;
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
                bytes.write(c);
                i++;
            } else {
                return Optional.empty();
            }
        }
        String name = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        // Only the canonical encoding counts, so that one name never has two files.
        return encode(name).equals(fileNameBase) ? Optional.of(name) : Optional.empty();
    }

    private static void escape(StringBuilder out, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(HEX.toHexDigits(b));
        }
    }

    private static boolean isUpperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }

    private static String shortened(String encoded, String name) {
        int keep = MAX_READABLE - 1 - HASH_HEX_DIGITS;
        // Never cut through an escape: a '%' in the last two kept positions would leave half of one.
        int percent = encoded.lastIndexOf('%', keep - 1);
        if (percent >= 0 && percent > keep - 3) {
            keep = percent;
        }
        if (keep > 0 && encoded.charAt(keep - 1) == '+') {
            keep--;
        }
        return encoded.substring(0, keep) + HASH_MARK + sha256Hex(name).substring(0, HASH_HEX_DIGITS).toLowerCase(Locale.ROOT);
    }

    private static String sha256Hex(String name) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
