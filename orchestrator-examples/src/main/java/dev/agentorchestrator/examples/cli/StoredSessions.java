package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.TestFailure;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored sessions read for {@code status} and {@code list} with {@link JsonText}, without the
 * state store, Jackson or anything of the engine: a command that only reads must start about as
 * fast as {@code git status} (see docs/benchmarks.md). For the same reason it reads files with
 * {@code java.io} (NIO's channels are two dozen more classes) and parses the stored times with
 * {@link IsoTimes}.
 *
 * <p>This is a reader for the happy case only. The state store owns the file format and its
 * error messages (a damaged record names its {@code .bak}); whenever anything here is not as
 * expected (another schema version, a missing field, a duplicate key, unreadable JSON) {@link
 * #read} answers empty and the caller reads through the store, which reports the problem. So a
 * record is never shown here that the store would refuse.
 */
public final class StoredSessions {

    /** The schema of {@code SessionJson} in the core that this reader understands. */
    private static final int SCHEMA = 2;

    /** The store's order. A class rather than a lambda: the first lambda costs a quick command several milliseconds. */
    private static final Comparator<Session> BY_CREATION = new Comparator<>() {
        @Override
        public int compare(Session a, Session b) {
            int byTime = a.createdAt().compareTo(b.createdAt());
            return byTime != 0 ? byTime : a.name().compareTo(b.name());
        }
    };

    private StoredSessions() {
    }

    /**
     * Every session stored under {@code commonGitDir}, ordered like the store orders them (by
     * creation time, then name); empty when some record needs the store's own reader.
     */
    public static Optional<List<Session>> read(Path commonGitDir) {
        File folder = commonGitDir.resolve("agent-orchestrator").resolve("sessions").toFile();
        String[] names = folder.list();
        if (names == null) {
            // No folder (no session was ever created), or one that cannot be listed: the store says which.
            return folder.exists() ? Optional.empty() : Optional.of(List.of());
        }
        List<Session> sessions = new ArrayList<>();
        for (String name : names) {
            if (!name.endsWith(".json")) {
                continue;
            }
            byte[] bytes;
            try (InputStream in = new FileInputStream(new File(folder, name))) {
                bytes = in.readAllBytes();
            } catch (FileNotFoundException removedMeanwhile) {
                if (new File(folder, name).exists()) {
                    return Optional.empty();
                }
                continue;
            } catch (IOException e) {
                return Optional.empty();
            }
            Optional<Session> session = parse(bytes);
            if (session.isEmpty()) {
                return Optional.empty();
            }
            sessions.add(session.get());
        }
        sessions.sort(BY_CREATION);
        return Optional.of(List.copyOf(sessions));
    }

    /** One record's session, or empty when it is not a well-formed record of the known schema. */
    static Optional<Session> parse(byte[] bytes) {
        try {
            Object root = JsonText.parse(new String(bytes, StandardCharsets.UTF_8));
            if (!(root instanceof Map<?, ?> file) || !(file.get("schemaVersion") instanceof Long v) || v != SCHEMA) {
                return Optional.empty();
            }
            return Optional.of(session(new Fields(file.get("session"))));
        } catch (RuntimeException notForThisReader) {
            return Optional.empty();
        }
    }

    private static Session session(Fields f) {
        Fields progress = f.object("progress");
        Optional<CiResult> lastCi = f.has("lastCi") ? Optional.of(ciResult(f.object("lastCi"))) : Optional.empty();
        return new Session(f.text("name"), f.text("prompt"), f.text("baseBranch"), f.text("branch"),
                f.optionalPath("worktree"), f.strings("dependsOn"), dependencyMode(f), f.text("agent"),
                SessionState.valueOf(f.text("state")), f.text("message"), Session.Work.valueOf(f.text("work")),
                !f.text("halt").equals("NONE"), f.optionalText("agentSessionId"),
                new TaskProgress(progress.integer("completed"), progress.integer("total"), progress.text("currentTask")),
                f.number("costUsd"), f.integer("turns"), lastCi, f.strings("pendingPrompts"),
                f.optionalText("attention").orElse(""), IsoTimes.instant(f.text("createdAt")), IsoTimes.instant(f.text("updatedAt")),
                IsoTimes.instant(f.text("lastActivityAt")), f.longValue("revision"));
    }

    /** Records written before the modes have no {@code dependencyMode}: they read as SEQUENTIAL, as in the store. */
    private static DependencyMode dependencyMode(Fields f) {
        return f.has("dependencyMode") ? DependencyMode.valueOf(f.text("dependencyMode")) : DependencyMode.SEQUENTIAL;
    }

    private static CiResult ciResult(Fields c) {
        List<TestFailure> failures = new ArrayList<>();
        for (Fields t : c.has("failures") ? c.objects("failures") : List.<Fields>of()) {
            failures.add(new TestFailure(t.text("name"), t.text("className"), TestFailure.Kind.valueOf(t.text("kind")),
                    t.text("message"), t.text("detail")));
        }
        return new CiResult(CiResult.Status.valueOf(c.text("status")), c.text("commit"), c.integer("passed"), c.integer("failed"),
                c.has("errored") ? c.integer("errored") : 0, c.integer("skipped"), IsoTimes.duration(c.text("duration")),
                IsoTimes.instant(c.text("finishedAt")), c.text("summary"), failures, c.has("notes") ? c.strings("notes") : List.of(),
                c.optionalText("outputTail").orElse(""), c.optionalPath("logFile"));
    }

    /** Typed access to one object's fields; anything missing or of another type throws, and the store takes over. */
    private record Fields(Map<?, ?> map) {

        Fields(Object value) {
            this((Map<?, ?>) value);
        }

        boolean has(String key) {
            return map.get(key) != null;
        }

        private Object required(String key) {
            Object value = map.get(key);
            if (value == null) {
                throw new IllegalArgumentException(key + " is missing");
            }
            return value;
        }

        String text(String key) {
            return (String) required(key);
        }

        Optional<String> optionalText(String key) {
            return has(key) ? Optional.of(text(key)) : Optional.empty();
        }

        Optional<Path> optionalPath(String key) {
            return has(key) ? Optional.of(Path.of(text(key))) : Optional.empty();
        }

        long longValue(String key) {
            return (Long) required(key);
        }

        int integer(String key) {
            return Math.toIntExact(longValue(key));
        }

        double number(String key) {
            return ((Number) required(key)).doubleValue();
        }

        Fields object(String key) {
            return new Fields(required(key));
        }

        List<String> strings(String key) {
            List<String> out = new ArrayList<>();
            for (Object item : (List<?>) required(key)) {
                out.add((String) item);
            }
            return out;
        }

        List<Fields> objects(String key) {
            List<Fields> out = new ArrayList<>();
            for (Object item : (List<?>) required(key)) {
                out.add(new Fields(item));
            }
            return out;
        }
    }
}
