package dev.agentorchestrator.examples.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a session's transcript file by byte offset, so that the page can page backwards through a
 * long one and follow its end: lines are whole lines only (a line still being written is left for
 * the next read). The path always comes from the state store for a known session, never from a
 * request.
 */
final class TranscriptFile {

    /** Lines between {@code start} and {@code end} (byte offsets; {@code end} is after the last newline). */
    record Page(List<String> lines, long start, long end) {
        Page {
            lines = List.copyOf(lines);
        }
    }

    private static final int BLOCK = 8192;
    /** A read never returns more than this much at once; the follower reads again for the rest. */
    static final int MAX_READ = 512 * 1024;

    private TranscriptFile() {
    }

    /** At most {@code maxLines} whole lines ending at {@code before} (or at the end of the file when negative). */
    static Page linesBefore(Path file, long before, int maxLines) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = lastNewlineEnd(channel, before < 0 ? channel.size() : Math.min(before, channel.size()));
            long start = end;
            int newlines = 0;
            ByteBuffer block = ByteBuffer.allocate(BLOCK);
            search:
            while (start > 0) {
                int length = (int) Math.min(BLOCK, start);
                long from = start - length;
                read(channel, block, from, length);
                for (int i = length - 1; i >= 0; i--) {
                    // The newline ending the page's last line is not the start of a line.
                    if (block.get(i) == '\n' && from + i + 1 != end && ++newlines == maxLines) {
                        start = from + i + 1;
                        break search;
                    }
                }
                start = from;
            }
            return new Page(split(readRange(channel, start, end)), start, end);
        } catch (NoSuchFileException e) {
            return new Page(List.of(), 0, 0);
        }
    }

    /** The whole lines written from {@code from} on (at most {@link #MAX_READ} bytes of them). */
    static Page linesFrom(Path file, long from) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < from) {
                // The file was replaced by a shorter one (the session removed and added again): start over.
                from = 0;
            }
            long end = lastNewlineEnd(channel, Math.min(size, from + MAX_READ));
            if (end <= from) {
                return new Page(List.of(), from, from);
            }
            return new Page(split(readRange(channel, from, end)), from, end);
        } catch (NoSuchFileException e) {
            return new Page(List.of(), from, from);
        }
    }

    /** The offset just after the last newline at or before {@code limit}; 0 when there is none. */
    private static long lastNewlineEnd(FileChannel channel, long limit) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        long at = limit;
        while (at > 0) {
            int length = (int) Math.min(BLOCK, at);
            long from = at - length;
            read(channel, block, from, length);
            for (int i = length - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            at = from;
        }
        return 0;
    }

    private static void read(FileChannel channel, ByteBuffer block, long from, int length) throws IOException {
        block.clear().limit(length);
        while (block.hasRemaining()) {
            if (channel.read(block, from + block.position()) < 0) {
                break;
            }
        }
    }

    private static byte[] readRange(FileChannel channel, long start, long end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (end - start));
        ByteBuffer chunk = ByteBuffer.allocate(BLOCK);
        for (long at = start; at < end; ) {
            chunk.clear().limit((int) Math.min(BLOCK, end - at));
            int n = channel.read(chunk, at);
            if (n < 0) {
                break;
            }
            out.write(chunk.array(), 0, n);
            at += n;
        }
        return out.toByteArray();
    }

    private static List<String> split(byte[] bytes) {
        if (bytes.length == 0) {
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    }
}
