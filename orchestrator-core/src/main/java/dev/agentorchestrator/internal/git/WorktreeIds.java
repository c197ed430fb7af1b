package dev.agentorchestrator.internal.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Derives a worktree's administrative id from its folder the way C git 2.39 does in
 * {@code builtin/worktree.c}: the folder's base name, made a valid ref-name component by
 * {@code sanitize_refname_component} in {@code refs.c}. When that id is taken the caller appends
 * 1, 2, 3... ({@link #candidate(String, int)}), as git does when its {@code mkdir} fails.
 */
public final class WorktreeIds {

    private WorktreeIds() {
    }

    /** The id git would try first for a worktree at {@code folder}. */
    public static String baseId(Path folder) {
        Path name = folder.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("a worktree folder needs a name, got " + folder);
        }
        return sanitize(name.toString());
    }

    /** {@code id} for attempt 0, then {@code id1}, {@code id2}... like git's counter. */
    public static String candidate(String id, int attempt) {
        return attempt == 0 ? id : id + attempt;
    }

    /**
     * git's sanitising of one ref-name component, byte by byte on UTF-8 as git works on bytes:
     * forbidden characters become '-', ".." collapses to ".", "@{" becomes "@-", a leading '.'
     * becomes '-', and a ".lock" suffix is stripped. Bytes of non-ASCII letters pass unchanged.
     */
    public static String sanitize(String component) {
        byte[] in = component.getBytes(StandardCharsets.UTF_8);
        if (in.length == 1 && in[0] == '@') {
            // git special-cases a lone "@"; the folder name "@" is vanishingly rare, so keep it simple.
            return "-";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int last = 0;
        for (byte b : in) {
            int ch = b & 0xff;
            if (ch == '.' && last == '.') {
                // ".." collapses to "." (the second dot is dropped)
            } else if (ch == '{' && last == '@') {
                out.write('-');
            } else if (isForbidden(ch)) {
                out.write('-');
            } else {
                out.write(ch);
            }
            last = ch;
        }
        byte[] result = out.toByteArray();
        if (in.length > 0 && in[0] == '.' && result.length > 0) {
            result[0] = '-';
        }
        String sanitized = new String(result, StandardCharsets.UTF_8);
        if (component.endsWith(".lock")) {
            while (sanitized.endsWith(".lock")) {
                sanitized = sanitized.substring(0, sanitized.length() - ".lock".length());
            }
        }
        if (sanitized.isEmpty()) {
            throw new IllegalArgumentException("the folder name '" + component
                    + "' leaves no usable worktree id; choose a folder name with letters or digits");
        }
        return sanitized;
    }

    /** Dispositions 4 and 5 of git's refname table: controls, space, ~ ^ : ? [ \ DEL and '*'. */
    private static boolean isForbidden(int ch) {
        return ch < 0x20 || ch == 0x7f || " ~^:?[\\*".indexOf(ch) >= 0;
    }
}
