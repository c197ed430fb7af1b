package dev.agentorchestrator.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for the quick commands ({@code status}, {@code list}), which must
 * start about as fast as {@code git status}. Even Jackson's streaming parser costs such a command
 * a fifth of its time: about a hundred classes, and its number parsing compiles a regular
 * expression, which pulls in the lambda machinery (docs/benchmarks.md, section 6d). Everything
 * else in the command line uses Jackson.
 *
 * <p>The reader is strict (RFC 8259): a duplicate key, trailing text or a malformed literal is an
 * {@link IllegalArgumentException}, and the quick commands then leave the file to the state
 * store, whose reader explains the problem.
 */
public final class JsonText {

    private final String text;
    private int at;

    private JsonText(String text) {
        this.text = text;
    }

    /**
     * The JSON value in {@code text} as maps (keys in the text's order), lists, strings,
     * longs, doubles, booleans and null.
     *
     * @throws IllegalArgumentException when the text is not exactly one well-formed JSON value
     */
    public static Object parse(String text) {
        JsonText reader = new JsonText(text);
        Object value = reader.value();
        reader.skipSpace();
        if (reader.at != text.length()) {
            throw reader.error("text after the value");
        }
        return value;
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String quoted(String s) {
        return appendQuoted(new StringBuilder(s.length() + 2), s).toString();
    }

    private static StringBuilder appendQuoted(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private Object value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("the text ends where a value was expected");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        // In the order of the text, so that what is read and written again reads the same to a person.
        Map<String, Object> object = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek() == '}') {
            at++;
            return object;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("a key was expected");
            }
            String key = string();
            skipSpace();
            expect(':');
            if (object.containsKey(key)) {
                throw error("the key " + key + " appears twice");
            }
            object.put(key, value());
            skipSpace();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return object;
            }
        }
    }

    private List<Object> array() {
        List<Object> array = new ArrayList<>();
        at++;
        skipSpace();
        if (peek() == ']') {
            at++;
            return array;
        }
        while (true) {
            array.add(value());
            skipSpace();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return array;
            }
        }
    }

    private String string() {
        at++;
        StringBuilder out = null;
        int start = at;
        while (true) {
            if (at >= text.length()) {
                throw error("a string is not closed");
            }
            char c = text.charAt(at);
            if (c == '"') {
                String value = out == null ? text.substring(start, at) : out.append(text, start, at).toString();
                at++;
                return value;
            }
            if (c < 0x20) {
                throw error("a control character inside a string");
            }
            if (c != '\\') {
                at++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(text, start, at);
            if (at + 1 >= text.length()) {
                throw error("a string is not closed");
            }
            char escaped = text.charAt(at + 1);
            at += 2;
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("a \\u escape is cut short");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(at + i), 16);
                        if (digit < 0) {
                            throw error("a \\u escape with a character that is not hexadecimal");
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                    at += 4;
                }
                default -> throw error("the escape \\" + escaped + " does not exist in JSON");
            }
            start = at;
        }
    }

    private Object number() {
        int start = at;
        boolean integral = true;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0' && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1))) {
            throw error("a number with a leading zero");
        }
        if (!digits()) {
            throw error("a number without digits");
        }
        if (peek() == '.') {
            integral = false;
            at++;
            if (!digits()) {
                throw error("a number with nothing after its point");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (!digits()) {
                throw error("a number with an empty exponent");
            }
        }
        String number = text.substring(start, at);
        if (integral) {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException tooLarge) {
                return Double.parseDouble(number);
            }
        }
        return Double.parseDouble(number);
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("unexpected '" + text.charAt(at) + "'");
        }
        at += word.length();
        return value;
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            at++;
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "' was expected");
        }
        at++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not valid JSON at character " + at + ": " + what);
    }

    /**
     * Writes one JSON document, indented by two spaces. The caller keeps the structure balanced
     * (an object's members are {@link #name named}); the writer adds the commas and the quoting.
     */
    public static final class Writer {

        private final StringBuilder out = new StringBuilder();
        /** Per open container: whether it has a member yet. */
        private final boolean[] started = new boolean[64];
        private int depth;
        private boolean afterName;

        /** Starts an object (as a value: at the top, in an array, or after {@link #name}). */
        public Writer beginObject() {
            return open('{');
        }

        public Writer endObject() {
            return close('}');
        }

        public Writer beginArray() {
            return open('[');
        }

        public Writer endArray() {
            return close(']');
        }

        /** The next member's name, in an object. */
        public Writer name(String name) {
            separate();
            quote(name);
            out.append(": ");
            afterName = true;
            return this;
        }

        /** A string, or null. */
        public Writer value(String value) {
            separate();
            if (value == null) {
                out.append("null");
            } else {
                quote(value);
            }
            return this;
        }

        public Writer value(long value) {
            separate();
            out.append(value);
            return this;
        }

        /** A number; NaN and the infinities, which JSON cannot hold, are written as null. */
        public Writer value(double value) {
            separate();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                out.append("null");
            } else {
                out.append(value);
            }
            return this;
        }

        public Writer value(boolean value) {
            separate();
            out.append(value);
            return this;
        }

        public Writer nullValue() {
            separate();
            out.append("null");
            return this;
        }

        /**
         * A value as {@link JsonText#parse} gives it (maps with string keys, lists, strings,
         * numbers, booleans, null), written again.
         */
        public Writer json(Object value) {
            if (value == null) {
                return nullValue();
            } else if (value instanceof String text) {
                return value(text);
            } else if (value instanceof Boolean b) {
                return value(b.booleanValue());
            } else if (value instanceof Long l) {
                return value(l.longValue());
            } else if (value instanceof Number n) {
                return value(n.doubleValue());
            } else if (value instanceof Map<?, ?> map) {
                beginObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    name((String) e.getKey()).json(e.getValue());
                }
                return endObject();
            } else if (value instanceof List<?> list) {
                beginArray();
                for (Object item : list) {
                    json(item);
                }
                return endArray();
            }
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }

        /** The document written so far. */
        @Override
        public String toString() {
            return out.toString();
        }

        private Writer open(char bracket) {
            separate();
            out.append(bracket);
            started[depth++] = false;
            return this;
        }

        private Writer close(char bracket) {
            boolean any = started[--depth];
            if (any) {
                newline();
            }
            out.append(bracket);
            return this;
        }

        private void separate() {
            if (afterName) {
                afterName = false;
                return;
            }
            if (depth > 0) {
                if (started[depth - 1]) {
                    out.append(',');
                }
                started[depth - 1] = true;
                newline();
            }
        }

        private void newline() {
            out.append('\n');
            for (int i = 0; i < depth; i++) {
                out.append("  ");
            }
        }

        private void quote(String s) {
            appendQuoted(out, s);
        }
    }
}
