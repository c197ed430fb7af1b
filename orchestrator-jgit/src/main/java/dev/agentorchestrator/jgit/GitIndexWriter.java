package dev.agentorchestrator.jgit;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Writes a git index file, version 2, as described in git's
 * {@code Documentation/gitformat-index.txt}. JGit's own {@code DirCache} cannot record inode,
 * device, uid, gid or ctime, and without them C git re-hashes every file on the first
 * {@code git status} in a worktree we checked out; so we write the file ourselves.
 *
 * <p>The file is written to {@code index.lock} beside the target and renamed into place, which is
 * git's own locking protocol: a concurrent git command sees either no index or a whole one.
 */
final class GitIndexWriter {

    private static final int NAME_MASK = 0xfff;

    private GitIndexWriter() {
    }

    /** Writes {@code entries} (sorted here) as the index at {@code indexFile}. */
    static void write(Path indexFile, List<IndexEntry> entries) throws IOException {
        List<IndexEntry> sorted = entries.stream().sorted().toList();
        Path lock = indexFile.resolveSibling(indexFile.getFileName() + ".lock");
        MessageDigest sha1 = sha1();
        try {
            try (OutputStream file = Files.newOutputStream(lock, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
                 BufferedOutputStream buffered = new BufferedOutputStream(file, 1 << 16)) {
                DataOutputStream out = new DataOutputStream(new DigestOutputStream(buffered, sha1));
                out.writeBytes("DIRC");
                out.writeInt(2);
                out.writeInt(sorted.size());
                for (IndexEntry e : sorted) {
                    writeEntry(out, e);
                }
                out.flush();
                buffered.write(sha1.digest());
            }
            Files.move(lock, indexFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(lock);
        }
    }

    private static void writeEntry(DataOutputStream out, IndexEntry e) throws IOException {
        IndexEntry.Stat s = e.stat();
        out.writeInt(s.ctimeSeconds());
        out.writeInt(s.ctimeNanos());
        out.writeInt(s.mtimeSeconds());
        out.writeInt(s.mtimeNanos());
        out.writeInt(s.dev());
        out.writeInt(s.ino());
        out.writeInt(e.mode());
        out.writeInt(s.uid());
        out.writeInt(s.gid());
        out.writeInt(s.size());
        byte[] id = new byte[20];
        e.id().copyRawTo(id, 0);
        out.write(id);
        byte[] path = e.path();
        out.writeShort(Math.min(path.length, NAME_MASK));
        out.write(path);
        // 62 bytes of fixed fields, then the name, then 1 to 8 NULs up to a multiple of 8.
        int length = 62 + path.length;
        int padding = 8 - (length % 8);
        out.write(new byte[padding]);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
    }
}
