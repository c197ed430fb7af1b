package dev.agentorchestrator.jgit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One entry of a git index (stage 0), with the full stat data that C git compares in
 * {@code match_stat_data}: with ctime, inode, device, uid and gid filled in, {@code git status}
 * finds a freshly checked-out file clean from its stat alone instead of re-hashing it.
 *
 * @param path   path relative to the worktree, UTF-8, {@code /} separated
 * @param mode   git mode: 0100644, 0100755, 0120000 or 0160000
 * @param id     the blob (or commit, for a submodule) the entry records
 * @param stat   the file's stat data as the index stores it
 */
record IndexEntry(byte[] path, int mode, ObjectId id, Stat stat) implements Comparable<IndexEntry> {

    /** The stat fields of a git index entry, each already truncated to 32 bits as git does. */
    record Stat(int ctimeSeconds, int ctimeNanos, int mtimeSeconds, int mtimeNanos,
                int dev, int ino, int uid, int gid, int size) {

        static final Stat ZERO = new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0);

        private static volatile boolean unixViewSupported = true;

        /** Reads the stat data of {@code file} without following a symbolic link. */
        static Stat of(Path file) throws IOException {
            if (unixViewSupported) {
                try {
                    Map<String, Object> a = Files.readAttributes(file,
                            "unix:ctime,lastModifiedTime,dev,ino,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
                    FileTime ctime = (FileTime) a.get("ctime");
                    FileTime mtime = (FileTime) a.get("lastModifiedTime");
                    return new Stat(
                            (int) ctime.toInstant().getEpochSecond(), ctime.toInstant().getNano(),
                            (int) mtime.toInstant().getEpochSecond(), mtime.toInstant().getNano(),
                            (int) (long) (Long) a.get("dev"), (int) (long) (Long) a.get("ino"),
                            (Integer) a.get("uid"), (Integer) a.get("gid"), (int) (long) (Long) a.get("size"));
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    // Not a Unix file system (Windows): git there does not compare inode or owner.
                    unixViewSupported = false;
                }
            }
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            FileTime mtime = a.lastModifiedTime();
            FileTime ctime = a.creationTime();
            return new Stat((int) ctime.toInstant().getEpochSecond(), ctime.toInstant().getNano(),
                    (int) mtime.toInstant().getEpochSecond(), mtime.toInstant().getNano(),
                    0, 0, 0, 0, (int) a.size());
        }
    }

    /** Index order: by path bytes, unsigned, as git's {@code cache_name_compare}. */
    @Override
    public int compareTo(IndexEntry other) {
        return Arrays.compareUnsigned(path, other.path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexEntry e && Arrays.equals(path, e.path) && mode == e.mode
                && id.equals(e.id) && stat.equals(e.stat);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(path);
    }
}
