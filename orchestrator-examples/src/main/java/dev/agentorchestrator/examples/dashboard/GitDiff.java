package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The diff of a session's branch against its base, as a pull request shows it (from their merge
 * base), read with the git binary. Branch names come from the session's record, never from the
 * request. Bounded: a huge diff is cut and says so.
 */
final class GitDiff {

    static final int MAX_PATCH = 512 * 1024;

    private GitDiff() {
    }

    static ObjectNode of(Path repository, Session session) throws IOException {
        String range = session.baseBranch() + "..." + session.branch();
        ObjectNode json = Responses.JSON.createObjectNode().put("available", true).put("range", range);
        Output stat = git(repository, List.of("diff", "--no-color", "--stat", range, "--"));
        if (stat.exit != 0) {
            return json.put("available", false).put("reason", "git diff " + range + " failed: " + stat.text.trim());
        }
        Output patch = git(repository, List.of("diff", "--no-color", range, "--"));
        return json.put("stat", stat.text).put("patch", patch.text).put("truncated", patch.truncated);
    }

    private record Output(int exit, String text, boolean truncated) {
    }

    private static Output git(Path repository, List<String> args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "core.quotepath=off"));
        command.addAll(args);
        Process git = new ProcessBuilder(command).directory(repository.toFile()).redirectErrorStream(true).start();
        try (InputStream in = git.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean truncated = false;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                int room = MAX_PATCH - out.size();
                if (room <= 0) {
                    truncated = true;
                    break;
                }
                out.write(buffer, 0, Math.min(room, n));
                truncated = n > room;
            }
            if (truncated) {
                git.destroy();
            }
            if (!git.waitFor(30, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return new Output(-1, "git did not finish within 30 seconds", false);
            }
            return new Output(truncated ? 0 : git.exitValue(), out.toString(StandardCharsets.UTF_8), truncated);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running git diff", e);
        } finally {
            git.destroy();
        }
    }
}
