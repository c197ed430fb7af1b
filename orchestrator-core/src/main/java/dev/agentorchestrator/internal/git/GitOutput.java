package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.GitException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parsers for git's NUL-separated ({@code -z}) machine output. Fields are split on NUL only, so
 * paths holding spaces, tabs, newlines or non-ASCII letters come through exactly.
 */
final class GitOutput {

    /** One record of {@code git worktree list --porcelain -z}, before paths and ids are resolved. */
    record WorktreeEntry(String path, Optional<String> head, Optional<String> branchRef, boolean bare,
                         boolean locked, Optional<String> lockReason, boolean prunable) {
    }

    private static final String NULL_ID = "0".repeat(40);

    private GitOutput() {
    }

    static List<WorktreeEntry> worktrees(String output) {
        List<WorktreeEntry> entries = new ArrayList<>();
        String path = null;
        Optional<String> head = Optional.empty();
        Optional<String> branch = Optional.empty();
        boolean bare = false;
        boolean locked = false;
        Optional<String> reason = Optional.empty();
        boolean prunable = false;
        // A record is a run of fields; an empty field (two NULs in a row) ends it.
        for (String field : fields(output, true)) {
            if (field.isEmpty()) {
                if (path != null) {
                    entries.add(new WorktreeEntry(path, head, branch, bare, locked, reason, prunable));
                }
                path = null;
                head = Optional.empty();
                branch = Optional.empty();
                bare = false;
                locked = false;
                reason = Optional.empty();
                prunable = false;
            } else if (field.startsWith("worktree ")) {
                path = field.substring("worktree ".length());
            } else if (field.startsWith("HEAD ")) {
                String id = field.substring("HEAD ".length());
                head = id.equals(NULL_ID) ? Optional.empty() : Optional.of(id);
            } else if (field.startsWith("branch ")) {
                branch = Optional.of(field.substring("branch ".length()));
            } else if (field.equals("bare")) {
                bare = true;
            } else if (field.equals("locked") || field.startsWith("locked ")) {
                locked = true;
                reason = field.length() > "locked ".length()
                        ? Optional.of(field.substring("locked ".length())) : Optional.empty();
            } else if (field.equals("prunable") || field.startsWith("prunable ")) {
                prunable = true;
            }
            // "detached" and fields added by newer git versions carry nothing we need.
        }
        if (path != null) {
            entries.add(new WorktreeEntry(path, head, branch, bare, locked, reason, prunable));
        }
        return entries;
    }

    /** {@code git diff --name-status -z -M}: a status field, then one path, or two for renames and copies. */
    static List<ChangedFile> nameStatus(String output) {
        List<String> fields = fields(output, false);
        List<ChangedFile> files = new ArrayList<>();
        for (int i = 0; i < fields.size(); ) {
            String status = fields.get(i++);
            char kind = status.charAt(0);
            if (kind == 'R' || kind == 'C') {
                String from = fields.get(i++);
                String to = fields.get(i++);
                files.add(new ChangedFile(to, kind == 'R' ? ChangedFile.Kind.RENAMED : ChangedFile.Kind.COPIED,
                        Optional.of(from)));
            } else {
                files.add(ChangedFile.of(fields.get(i++), switch (kind) {
                    case 'A' -> ChangedFile.Kind.ADDED;
                    case 'D' -> ChangedFile.Kind.DELETED;
                    case 'M', 'T', 'U', 'X' -> ChangedFile.Kind.MODIFIED;
                    default -> throw new GitException("unexpected status '" + status + "' in git diff --name-status"
                            + " output; this git version is not supported by the git-cli backend");
                }));
            }
        }
        return files;
    }

    /**
     * {@code git status --porcelain=v1 -z}: {@code XY PATH}, and for a rename or copy a second field
     * with the old path. X is the index against HEAD, Y the work tree against the index.
     */
    static List<ChangedFile> status(String output) {
        List<String> fields = fields(output, false);
        List<ChangedFile> files = new ArrayList<>();
        for (int i = 0; i < fields.size(); ) {
            String entry = fields.get(i++);
            char x = entry.charAt(0);
            char y = entry.charAt(1);
            String path = entry.substring(3);
            if (x == 'R' || x == 'C' || y == 'R' || y == 'C') {
                String from = fields.get(i++);
                boolean rename = x == 'R' || y == 'R';
                files.add(new ChangedFile(path, rename ? ChangedFile.Kind.RENAMED : ChangedFile.Kind.COPIED,
                        Optional.of(from)));
            } else if (x == '?' && y == '?') {
                files.add(ChangedFile.of(path, ChangedFile.Kind.ADDED));
            } else if (x == 'A' && y == 'D') {
                // Added to the index, then deleted from the work tree: neither HEAD nor the work tree has it.
                continue;
            } else if (x == 'A') {
                files.add(ChangedFile.of(path, ChangedFile.Kind.ADDED));
            } else if ((x == 'D' || y == 'D') && x != 'U' && y != 'U') {
                files.add(ChangedFile.of(path, ChangedFile.Kind.DELETED));
            } else {
                files.add(ChangedFile.of(path, ChangedFile.Kind.MODIFIED));
            }
        }
        return files;
    }

    /**
     * {@code git diff --numstat -z}: {@code ADDED\tREMOVED\tPATH}, or for a rename
     * {@code ADDED\tREMOVED\t} followed by the old and new path as their own fields; binary files
     * show {@code -} for both counts.
     */
    static DiffStat numstat(String output) {
        List<String> fields = fields(output, false);
        int files = 0;
        int added = 0;
        int removed = 0;
        for (int i = 0; i < fields.size(); ) {
            String[] counts = fields.get(i++).split("\t", 3);
            if (counts.length < 3) {
                throw new GitException("unexpected line '" + fields.get(i - 1) + "' in git diff --numstat output");
            }
            if (counts[2].isEmpty()) {
                i += 2; // the old and new path of a rename follow
            }
            files++;
            added += counts[0].equals("-") ? 0 : Integer.parseInt(counts[0]);
            removed += counts[1].equals("-") ? 0 : Integer.parseInt(counts[1]);
        }
        return new DiffStat(files, added, removed);
    }

    /** Splits NUL-terminated fields; the terminator after the last field does not make an extra one. */
    static List<String> fields(String output, boolean keepEmpty) {
        if (output.isEmpty()) {
            return List.of();
        }
        String trimmed = output.endsWith("\0") ? output.substring(0, output.length() - 1) : output;
        List<String> fields = new ArrayList<>(Arrays.asList(trimmed.split("\0", -1)));
        if (!keepEmpty) {
            fields.removeIf(String::isEmpty);
        }
        return fields;
    }
}
