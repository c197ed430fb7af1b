package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.StateStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One engine per repository: two engines driving the same sessions would start the same agent
 * twice. The lock is a file lock in the common git directory, released when the engine closes or
 * its process dies (the OS drops the lock), so a crash never leaves the repository locked.
 */
final class EngineLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static EngineLock acquire(Path commonGitDir) {
        Path dir = commonGitDir.resolve("agent-orchestrator");
        Path file = dir.resolve("engine.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new ConfigurationException("Another orchestrator is already running on this repository"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; it holds " + file
                        + ". Close it first (Orchestrator.close()), or read the sessions without an engine"
                        + " through the state store.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new EngineLock(file, channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new StateStoreException("Cannot take the engine lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StateStoreException("Cannot release the engine lock " + file + ": " + e.getMessage(), e);
        }
    }
}
