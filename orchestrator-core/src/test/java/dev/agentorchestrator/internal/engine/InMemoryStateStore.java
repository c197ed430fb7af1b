package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A StateStore held in memory: the SPI edge for lifecycle tests that need no files. */
final class InMemoryStateStore implements StateStore {
    private final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
    private final Map<String, List<String>> logs = new LinkedHashMap<>();
    int writes;
    /** When set, every transcript append fails, as on a full disk. */
    volatile boolean transcriptsFail;

    @Override
    public synchronized List<SessionRecord> loadAll() {
        return List.copyOf(sessions.values());
    }

    @Override
    public synchronized Optional<SessionRecord> load(String name) {
        return Optional.ofNullable(sessions.get(name));
    }

    @Override
    public synchronized void create(SessionRecord session) {
        if (sessions.putIfAbsent(session.name(), session.toBuilder().revision(1).build()) != null) {
            throw new StateStoreException("session " + session.name() + " exists");
        }
        writes++;
    }

    @Override
    public synchronized SessionRecord update(String name, UnaryOperator<SessionRecord> change) {
        SessionRecord current = sessions.get(name);
        if (current == null) {
            throw new UnknownSessionException(name, sessions.keySet());
        }
        SessionRecord next = change.apply(current).toBuilder().revision(current.revision() + 1).build();
        sessions.put(name, next);
        writes++;
        return next;
    }

    @Override
    public synchronized void delete(String name) {
        sessions.remove(name);
        logs.remove(name);
    }

    @Override
    public synchronized SessionLog log(String name) {
        List<String> lines = logs.computeIfAbsent(name, n -> new ArrayList<>());
        return new SessionLog() {
            @Override
            public void append(String line) {
                if (transcriptsFail) {
                    throw new StateStoreException("No space left on device");
                }
                synchronized (InMemoryStateStore.this) {
                    lines.add(line);
                }
            }

            @Override
            public List<String> tail(int maxLines) {
                synchronized (InMemoryStateStore.this) {
                    return List.copyOf(lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
                }
            }

            @Override
            public Optional<Path> file() {
                return Optional.empty();
            }
        };
    }

    @Override
    public void close() {
    }
}
