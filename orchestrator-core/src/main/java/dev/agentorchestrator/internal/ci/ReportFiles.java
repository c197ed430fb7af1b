package dev.agentorchestrator.internal.ci;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the test reports of one run: files under the worktree matching the report globs that the
 * run wrote. A report counts when it is new or changed since the look taken just before the run
 * started, and its modification time is not before the run's start. The first rule keeps a report
 * of an earlier run that this run did not rewrite out, even on a file system whose clock is coarse;
 * the second keeps out a report copied in with an old time. The start is taken
 * {@link #CLOCK_SLACK} early, because file systems stamp files with a coarser clock than
 * {@link Instant#now()}.
 */
public final class ReportFiles {

    /** How far before the run's start a report's modification time may lie. */
    public static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    /** Folders never searched: git's own, and dependency trees that hold other projects' files. */
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "node_modules");

    private final Path worktree;
    private final List<PathMatcher> matchers;
    private final int maxFiles;

    /** What a file looked like, to tell whether the run rewrote it. */
    public record Stamp(FileTime modified, long size, Object fileKey) {
    }

    /**
     * @param globs glob patterns relative to the worktree ({@code **}{@code /target/surefire-reports/TEST-*.xml});
     *              a pattern starting with {@code **}{@code /} also matches at the top of the worktree
     */
    public ReportFiles(Path worktree, List<String> globs, int maxFiles) {
        this.worktree = worktree;
        this.maxFiles = maxFiles;
        this.matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
            }
        }
    }

    /** Checks a glob's syntax; returns the problem, or null when it is fine. */
    public static String problemWith(String glob) {
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Every matching file now, by path relative to the worktree, in path order. */
    public Map<Path, Stamp> scan(ReportTally notes) {
        Map<Path, Stamp> found = new TreeMap<>();
        if (!Files.isDirectory(worktree)) {
            return found;
        }
        try {
            Files.walkFileTree(worktree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(worktree) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    Path relative = worktree.relativize(file);
                    if (matches(relative)) {
                        if (found.size() >= maxFiles) {
                            if (notes != null) {
                                notes.note("more than " + maxFiles + " files match the report globs; only the first "
                                        + maxFiles + " found are read");
                            }
                            return FileVisitResult.TERMINATE;
                        }
                        found.put(relative, new Stamp(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a file deleted while we look, or a folder we may not read: not a report of ours
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            if (notes != null) {
                notes.note("could not search the worktree for test reports (" + e.getMessage() + ")");
            }
        }
        return found;
    }

    /** The reports this run wrote: matching now, new or changed since {@code before}, and not older than {@code start}. */
    public List<Path> writtenSince(Instant start, Map<Path, Stamp> before, ReportTally notes) {
        Instant earliest = start.minus(CLOCK_SLACK);
        List<Path> fresh = new ArrayList<>();
        for (Map.Entry<Path, Stamp> e : scan(notes).entrySet()) {
            Stamp now = e.getValue();
            boolean rewritten = !Objects.equals(before.get(e.getKey()), now);
            if (rewritten && !now.modified().toInstant().isBefore(earliest)) {
                fresh.add(e.getKey());
            }
        }
        return fresh;
    }

    public Path resolve(Path relative) {
        return worktree.resolve(relative);
    }

    private boolean matches(Path relative) {
        for (PathMatcher m : matchers) {
            if (m.matches(relative)) {
                return true;
            }
        }
        return false;
    }
}
