package dev.agentorchestrator.internal.git;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The marker a worktree create leaves while it runs: {@code <common dir>/agent-orchestrator/
 * creating-<token>.journal}, written before anything else and deleted as the create's last step,
 * and held under an OS file lock for the whole create. A journal nobody holds is the trace of a
 * create whose process died; {@link AtomicWorktreeCreate#recover} rolls it back. The lock (not a
 * pid) tells a running create from a dead one, so recovery never races a live create, in this JVM
 * or another; the OS drops the lock when the process dies.
 *
 * <p>Both backends write and read this format, so either can recover what the other left.
 * The file is a {@link Properties} text; later facts ({@code admin}) are appended as lines.
 */
public final class WorktreeJournal implements AutoCloseable {

    static final String FOLDER = "agent-orchestrator";
    static final String PREFIX = "creating-";
    static final String SUFFIX = ".journal";

    /**
     * What a create is about to do.
     *
     * @param target        the worktree folder, canonical
     * @param staging       the folder the files are written into before it is renamed to {@code target}
     * @param branch        the branch checked out there
     * @param createBranch  true when the create makes {@code branch}; recovery then deletes it while it
     *                      still points at {@code commit}
     * @param commit        the commit checked out
     * @param targetExisted true when {@code target} was an empty folder before (recovery leaves one)
     * @param firstMissing  the first folder of {@code target}'s path that did not exist, or empty
     * @param adminId       the id reserved under {@code .git/worktrees}, once known
     */
    public record Entry(Path target, Path staging, String branch, boolean createBranch, String commit,
                        boolean targetExisted, Optional<Path> firstMissing, Optional<String> adminId) {

        /** This entry with the reserved administrative folder's id, when there is one. */
        public Entry withAdmin(Path admin) {
            return admin == null ? this : new Entry(target, staging, branch, createBranch, commit, targetExisted,
                    firstMissing, Optional.of(admin.getFileName().toString()));
        }
    }

    private final Path file;
    private final String token;
    private final FileChannel channel;

    private WorktreeJournal(Path file, String token, FileChannel channel) {
        this.file = file;
        this.token = token;
        this.channel = channel;
    }

    /** A new random token for one create; it names the journal, the staged admin folder and the staging folder. */
    public static String newToken() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The folder holding journals and staged admin folders: two levels under the common dir, so {@code ../..} is it. */
    public static Path folder(Path commonDir) {
        return commonDir.resolve(FOLDER);
    }

    /** Where a create prepares the administrative folder it renames into {@code .git/worktrees/<id>} at the end. */
    public static Path stagedAdmin(Path commonDir, String token) {
        return folder(commonDir).resolve(PREFIX + token);
    }

    /** Writes and locks the journal of a create that is about to start. */
    public static WorktreeJournal begin(Path commonDir, String token, Entry entry) throws IOException {
        Files.createDirectories(folder(commonDir));
        Path file = folder(commonDir).resolve(PREFIX + token + SUFFIX);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            channel.lock();
            Properties p = new Properties();
            p.setProperty("version", "1");
            p.setProperty("target", entry.target().toString());
            p.setProperty("staging", entry.staging().toString());
            p.setProperty("branch", entry.branch());
            p.setProperty("createBranch", Boolean.toString(entry.createBranch()));
            p.setProperty("commit", entry.commit());
            p.setProperty("targetExisted", Boolean.toString(entry.targetExisted()));
            entry.firstMissing().ifPresent(m -> p.setProperty("firstMissing", m.toString()));
            StringWriter text = new StringWriter();
            p.store(text, "a worktree create in progress; see GitRepository.recoverIncompleteWorktrees()");
            channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            return new WorktreeJournal(file, token, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    public String token() {
        return token;
    }

    /** Appends the administrative id once it is reserved. */
    public void recordAdminId(String id) throws IOException {
        Properties p = new Properties();
        p.setProperty("admin", id);
        StringWriter text = new StringWriter();
        p.store(text, null);
        // Properties.store starts with a date comment line; only the key line is appended.
        String line = text.toString().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow() + "\n";
        channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), channel.size());
        channel.force(false);
    }

    /** Deletes the journal (the create finished or was rolled back) and releases the lock. */
    public void finish() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            channel.close();
        }
        // A failed create leaves no trace, not even an empty folder; one that is in use stays.
        try {
            Files.deleteIfExists(file.getParent());
        } catch (IOException inUse) {
            // not empty (the state store's files, another create's journal): keep it
        }
    }

    /** Releases the lock, keeping the file; a later recovery rolls the create back. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A journal of a dead create, locked by the caller until {@link #finish()}. */
    public record Abandoned(WorktreeJournal journal, Optional<Entry> entry) {
    }

    /**
     * Every journal whose create is no longer running, each locked for the caller; journals held
     * by a live create (in this JVM or another process) are skipped. A journal whose text cannot be
     * read comes back without an entry: its create died before writing it, so it made nothing yet.
     */
    public static List<Abandoned> claimAbandoned(Path commonDir) throws IOException {
        List<Abandoned> claimed = new ArrayList<>();
        Path folder = folder(commonDir);
        if (!Files.isDirectory(folder)) {
            return claimed;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String token = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                FileChannel channel;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException finishedMeanwhile) {
                    continue;
                }
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException heldInThisJvm) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    continue;
                }
                claimed.add(new Abandoned(new WorktreeJournal(file, token, channel), parse(channel)));
            }
        }
        return claimed;
    }

    /** Staged admin folders whose journal is gone (left by a rollback that stopped half-way). */
    public static List<Path> orphanedStagedAdmins(Path commonDir) throws IOException {
        List<Path> orphans = new ArrayList<>();
        Path folder = folder(commonDir);
        if (!Files.isDirectory(folder)) {
            return orphans;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(folder, PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir) && !Files.exists(dir.resolveSibling(dir.getFileName() + SUFFIX))) {
                    orphans.add(dir);
                }
            }
        }
        return orphans;
    }

    private static Optional<Entry> parse(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 1 << 20));
        channel.read(buffer, 0);
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException garbled) {
            return Optional.empty();
        }
        String[] required = {"target", "staging", "branch", "createBranch", "commit", "targetExisted"};
        for (String key : required) {
            if (p.getProperty(key) == null) {
                return Optional.empty();
            }
        }
        return Optional.of(new Entry(Path.of(p.getProperty("target")), Path.of(p.getProperty("staging")),
                p.getProperty("branch"), Boolean.parseBoolean(p.getProperty("createBranch")), p.getProperty("commit"),
                Boolean.parseBoolean(p.getProperty("targetExisted")),
                Optional.ofNullable(p.getProperty("firstMissing")).map(Path::of),
                Optional.ofNullable(p.getProperty("admin")).filter(s -> !s.isEmpty())));
    }
}
