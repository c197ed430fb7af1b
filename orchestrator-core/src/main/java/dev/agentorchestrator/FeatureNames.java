package dev.agentorchestrator;

import java.nio.charset.StandardCharsets;

/**
 * The rules a feature name must follow before anything is written for it. A feature name becomes
 * part of a branch ({@code feature/<name>}) and a folder ({@code <repo>.worktrees/<name>}), so it
 * must satisfy git's ref-name rules ({@code git check-ref-format}) and be safe as a relative path.
 * Beyond git's rules, a name holds only letters, digits, '-', '_', '.' and '/' (letters and digits of
 * any script, and symbols such as emoji), no part starts with '-' (it would read as an option), and
 * no part is a Windows device name ({@code aux}, {@code nul.txt}) or a git name ({@code HEAD}).
 *
 * <p>Each failed rule throws {@link InvalidFeatureNameException} whose {@link
 * InvalidFeatureNameException#rule() rule()} is one of the constants below.
 */
public final class FeatureNames {

    public static final int MAX_LENGTH = 100;

    /**
     * Longest part between slashes, in UTF-8 bytes. File systems allow 255 bytes per folder or file
     * name, and git stores a branch as a file (plus a {@code .lock} file while writing it), so a
     * part of 100 three-byte letters would be refused by the disk although git's rules allow it.
     */
    public static final int MAX_PART_BYTES = 200;

    public static final String RULE_EMPTY = "not-empty";
    public static final String RULE_LENGTH = "max-length";
    public static final String RULE_CONTROL = "no-control-characters";
    public static final String RULE_FORBIDDEN_CHARACTER = "no-forbidden-characters";
    public static final String RULE_DOUBLE_DOT = "no-double-dot";
    public static final String RULE_ABSOLUTE = "not-absolute";
    public static final String RULE_SLASHES = "slash-placement";
    public static final String RULE_DOT_COMPONENT = "no-leading-dot";
    public static final String RULE_LOCK_SUFFIX = "no-lock-suffix";
    public static final String RULE_TRAILING_DOT = "no-trailing-dot";
    public static final String RULE_AT_BRACE = "no-at-brace";
    public static final String RULE_AT_ALONE = "not-at-alone";
    /** Only letters, digits (of any script, and other symbols such as emoji), '-', '_', '.' and '/'. */
    public static final String RULE_ALLOWED_CHARACTERS = "allowed-characters";
    /** No part starts with '-', which a command would read as an option ({@code rm -rf}). */
    public static final String RULE_LEADING_DASH = "no-leading-dash";
    /** No part is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), with or without extension. */
    public static final String RULE_RESERVED_NAME = "not-reserved-device-name";
    /** No part is a name git gives a meaning of its own ({@code HEAD}, {@code FETCH_HEAD}, ...). */
    public static final String RULE_GIT_SPECIAL = "not-git-special";

    /** ASCII characters a name may hold besides letters and digits. */
    private static final String ASCII_PUNCTUATION_ALLOWED = "-_./";

    /** Folder names Windows maps to devices whatever their extension ({@code nul.txt} is NUL). */
    private static final java.util.Set<String> DEVICE_NAMES = java.util.Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    /** Names git resolves before any branch, so {@code git log HEAD} would not mean the feature. */
    private static final java.util.Set<String> GIT_SPECIAL = java.util.Set.of("HEAD", "FETCH_HEAD", "ORIG_HEAD",
            "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "BISECT_HEAD", "REBASE_HEAD", "AUTO_MERGE");

    private FeatureNames() {
    }

    /** True when {@link #check(String)} would accept the name. */
    public static boolean isValid(String name) {
        try {
            check(name);
            return true;
        } catch (InvalidFeatureNameException e) {
            return false;
        }
    }

    /**
     * Checks a feature name against every rule, and returns it unchanged when it passes.
     *
     * @throws InvalidFeatureNameException naming the first rule that failed
     */
    public static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid(name, RULE_EMPTY, "must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid(name, RULE_LENGTH, "is " + name.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed so that branch and folder names stay usable");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
                throw invalid(name, RULE_CONTROL, "contains the control character U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
            if (" ~^:?*[\\\"<>|".indexOf(c) >= 0 || Character.isWhitespace(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !validSurrogateAt(name, i)) {
                throw invalid(name, RULE_FORBIDDEN_CHARACTER, "contains '" + describe(c) + "' at index " + i
                        + "; git branch names and portable folder names cannot hold"
                        + " spaces or any of ~ ^ : ? * [ \\ \" < > |");
            }
        }
        if (name.contains("..")) {
            throw invalid(name, RULE_DOUBLE_DOT, "contains '..', which git forbids in branch names"
                    + " and which would climb out of the worktrees folder");
        }
        if (name.startsWith("/")) {
            throw invalid(name, RULE_ABSOLUTE, "starts with '/'; use a relative name such as 'auth-api'");
        }
        if (name.endsWith("/") || name.contains("//")) {
            throw invalid(name, RULE_SLASHES, "has an empty part between slashes or a trailing slash");
        }
        if (name.contains("@{")) {
            throw invalid(name, RULE_AT_BRACE, "contains '@{', which git reads as a reflog expression");
        }
        if (name.equals("@")) {
            throw invalid(name, RULE_AT_ALONE, "is '@', which git reads as HEAD");
        }
        if (name.endsWith(".")) {
            throw invalid(name, RULE_TRAILING_DOT, "ends with '.', which git forbids in branch names");
        }
        for (String part : name.split("/", -1)) {
            int bytes = part.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PART_BYTES) {
                throw invalid(name, RULE_LENGTH, "has a part of " + bytes + " bytes in UTF-8; at most "
                        + MAX_PART_BYTES + " are allowed, because the part becomes a file name in .git/refs"
                        + " and a folder name, and file systems allow 255 bytes per name");
            }
            if (part.startsWith(".")) {
                throw invalid(name, RULE_DOT_COMPONENT, "has the part '" + part
                        + "' that starts with '.', which git forbids and which would make a hidden folder");
            }
            if (part.endsWith(".lock")) {
                throw invalid(name, RULE_LOCK_SUFFIX, "has the part '" + part
                        + "' that ends with '.lock', which git reserves for its lock files");
            }
            if (part.startsWith("-")) {
                throw invalid(name, RULE_LEADING_DASH, "has the part '" + part
                        + "' that starts with '-', which git and other commands would read as an option");
            }
            int dot = part.indexOf('.');
            String stem = (dot < 0 ? part : part.substring(0, dot)).toUpperCase(java.util.Locale.ROOT);
            if (DEVICE_NAMES.contains(stem)) {
                throw invalid(name, RULE_RESERVED_NAME, "has the part '" + part + "', which Windows reserves for the device "
                        + stem + " (with any extension), so its folder could not be made there");
            }
            if (GIT_SPECIAL.contains(part.toUpperCase(java.util.Locale.ROOT))) {
                throw invalid(name, RULE_GIT_SPECIAL, "has the part '" + part
                        + "', which git gives a meaning of its own (a special ref such as HEAD)");
            }
        }
        int[] codePoints = name.codePoints().toArray();
        for (int i = 0, index = 0; i < codePoints.length; index += Character.charCount(codePoints[i]), i++) {
            int cp = codePoints[i];
            boolean allowed = cp < 0x80
                    ? Character.isLetterOrDigit(cp) || ASCII_PUNCTUATION_ALLOWED.indexOf(cp) >= 0
                    : Character.isLetterOrDigit(cp) || isMarkOrSymbol(cp);
            if (!allowed) {
                throw invalid(name, RULE_ALLOWED_CHARACTERS, "contains '" + new String(Character.toChars(cp))
                        + "' at index " + index + ", which shells, URLs or file systems treat specially");
            }
        }
        return name;
    }

    private static boolean isMarkOrSymbol(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK || type == Character.OTHER_SYMBOL;
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String describe(char c) {
        return Character.isWhitespace(c) || Character.getType(c) == Character.FORMAT
                ? "U+" + String.format("%04X", (int) c) : String.valueOf(c);
    }

    private static InvalidFeatureNameException invalid(String name, String rule, String why) {
        return new InvalidFeatureNameException(name, rule,
                "Invalid feature name " + (name == null ? "null" : "'" + printable(name) + "'") + ": it " + why
                        + " (rule " + rule + "). Use letters, digits, '-', '_' and '.', with '/' only between parts,"
                        + " no part starting with '-' or '.', and no part that is a device name such as 'nul'"
                        + " or a git name such as 'HEAD'; for example 'auth-api' or 'ui/dashboard'.");
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
