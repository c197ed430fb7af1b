package dev.agentorchestrator.internal.store;

import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.spi.SessionLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A transcript in a plain UTF-8 text file, one entry per line.
 *
 * <p>Each {@link #append} is one {@code write} call on a channel opened in append mode, so the
 * operating system puts the whole line at the end of the file in one step: lines from several
 * processes never interleave mid-line, and no lock is needed. The channel stays open between
 * appends (an agent can print hundreds of thousands of lines; opening the file for each cost more
 * than the write) until the store closes or the session is deleted. {@link #tail} reads backwards from
 * the end in blocks, so its cost depends on the lines asked for, not on the size of the file.
 */
final class FileSessionLog implements SessionLog {

    private static final int BLOCK = 8192;

    private final Path file;
    private FileChannel channel;

    FileSessionLog(Path file) {
        this.file = file;
    }

    @Override
    public synchronized void append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (channel == null || !channel.isOpen()) {
                closeChannel();
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            // A regular file takes the whole buffer in one call; the loop only guards the rare short write.
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            closeChannel();
            throw new StateStoreException("Could not append to the session log " + file + ": " + e.getMessage()
                    + ". Check that the folder exists and is writable and that the disk is not full.", e);
        }
    }

    @Override
    public List<String> tail(int maxLines) {
        if (maxLines < 0) {
            throw new dev.agentorchestrator.ConfigurationException("maxLines must not be negative, was " + maxLines);
        }
        if (maxLines == 0) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return lastLines(channel, maxLines);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StateStoreException("Could not read the session log " + file + ": " + e.getMessage()
                    + ". Check that the file is readable.", e);
        }
    }

    private static List<String> lastLines(FileChannel channel, int maxLines) throws IOException {
        long end = channel.size();
        if (end == 0) {
            return List.of();
        }
        // A final newline ends the last line; it does not start an empty one.
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, end - 1);
        long contentEnd = one.get(0) == '\n' ? end - 1 : end;

        // Walk back block by block until maxLines newlines are seen (the start of the oldest wanted line).
        long start = contentEnd;
        int newlines = 0;
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        search:
        while (start > 0) {
            int length = (int) Math.min(BLOCK, start);
            long from = start - length;
            block.clear().limit(length);
            while (block.hasRemaining()) {
                if (channel.read(block, from + block.position()) < 0) {
                    break;
                }
            }
            for (int i = length - 1; i >= 0; i--) {
                if (block.get(i) == '\n' && ++newlines == maxLines) {
                    start = from + i + 1;
                    break search;
                }
            }
            start = from;
        }

        ByteArrayOutputStream tail = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, contentEnd - start));
        ByteBuffer chunk = ByteBuffer.allocate(BLOCK);
        for (long at = start; at < contentEnd; ) {
            chunk.clear().limit((int) Math.min(BLOCK, contentEnd - at));
            int read = channel.read(chunk, at);
            if (read < 0) {
                break;
            }
            tail.write(chunk.array(), 0, read);
            at += read;
        }
        List<String> lines = new ArrayList<>(maxLines);
        Collections.addAll(lines, tail.toString(StandardCharsets.UTF_8).split("\n", -1));
        return List.copyOf(lines);
    }

    @Override
    public Optional<Path> file() {
        return Optional.of(file);
    }

    /** Deletes the transcript; nothing happens when there is none. */
    synchronized void delete() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
    }

    /** Closes the open channel, if any; the next append opens it again. */
    synchronized void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a channel we only appended to: nothing is lost
            }
            channel = null;
        }
    }
}
