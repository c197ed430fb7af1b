package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.StateStore;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a {@link Dashboard} is served. Immutable; derive changed copies with the {@code withX}
 * methods, starting from {@link #defaults()}:
 *
 * <pre>{@code
 * DashboardOptions options = DashboardOptions.defaults().withPort(8080).withToken(tokenFromFile);
 * }</pre>
 *
 * @param token               the secret every request must carry; empty to generate one (32 random bytes)
 * @param bindAddress         where {@link Dashboard#start} listens; loopback unless {@code allowNonLoopback}
 * @param port                the port {@link Dashboard#start} listens on; 0 picks a free one
 * @param allowNonLoopback    true to allow a {@code bindAddress} other people's machines can reach
 * @param replayEvents        how many recent events are kept for a reconnecting page ({@code Last-Event-ID})
 * @param clientQueueCapacity events queued for one connected page before it counts as too slow and is dropped
 *                            (the page reconnects and catches up from the replay buffer or a snapshot)
 * @param maxClients          how many pages may be connected at once
 * @param stallTimeout        how long writing one event to a page may block before the page counts as
 *                            gone and is dropped (a page that stopped reading without closing)
 * @param transcripts         the store whose session logs the session page shows; empty for the
 *                            repository's default JSON store
 * @param git                 the backend the cards' diff stats are read with (the dashboard opens and closes
 *                            its own repository handle); empty for the one {@link java.util.ServiceLoader}
 *                            finds with the highest priority, as the orchestrator's builder does
 */
public record DashboardOptions(Optional<String> token, InetAddress bindAddress, int port, boolean allowNonLoopback,
                               int replayEvents, int clientQueueCapacity, int maxClients,
                               Duration stallTimeout, Optional<StateStore> transcripts,
                               Optional<GitBackend> git) {

    /** What a token may be made of: URL-safe characters, long enough not to be guessed. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-.~]{16,256}");

    public DashboardOptions {
        Objects.requireNonNull(token, "token");
        token.ifPresent(t -> {
            if (!TOKEN.matcher(t).matches()) {
                throw new ConfigurationException("dashboard token must be 16 to 256 URL-safe characters"
                        + " (letters, digits, '-', '_', '.', '~'); pass a longer one or leave it out to generate one");
            }
        });
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (!bindAddress.isLoopbackAddress() && !allowNonLoopback) {
            throw new ConfigurationException("dashboard bindAddress " + bindAddress.getHostAddress()
                    + " is not a loopback address, so other machines could reach the dashboard; use"
                    + " withBindAddress(address, true) to allow it on purpose");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("dashboard port must be between 0 and 65535, was " + port);
        }
        if (replayEvents < 1) {
            throw new ConfigurationException("dashboard replayEvents must be at least 1, was " + replayEvents);
        }
        if (clientQueueCapacity < 1) {
            throw new ConfigurationException("dashboard clientQueueCapacity must be at least 1, was " + clientQueueCapacity);
        }
        if (maxClients < 1) {
            throw new ConfigurationException("dashboard maxClients must be at least 1, was " + maxClients);
        }
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new ConfigurationException("dashboard stallTimeout must be positive, was " + stallTimeout);
        }
        Objects.requireNonNull(transcripts, "transcripts");
        Objects.requireNonNull(git, "git");
    }

    /**
     * A generated token, 127.0.0.1, a free port, 1024 replayable events, 4096 queued per page, 256
     * pages, and 30 seconds for a page to take one event.
     */
    public static DashboardOptions defaults() {
        return new DashboardOptions(Optional.empty(), InetAddress.getLoopbackAddress(), 0, false, 1024, 4096, 256,
                Duration.ofSeconds(30), Optional.empty(), Optional.empty());
    }

    /** Uses this token instead of a generated one (the engine process passes the one in its token file). */
    public DashboardOptions withToken(String value) {
        return new DashboardOptions(Optional.of(Objects.requireNonNull(value, "token")), bindAddress, port,
                allowNonLoopback, replayEvents, clientQueueCapacity, maxClients, stallTimeout, transcripts, git);
    }

    /** Listens on this port; 0 picks a free one. */
    public DashboardOptions withPort(int value) {
        return new DashboardOptions(token, bindAddress, value, allowNonLoopback, replayEvents, clientQueueCapacity,
                maxClients, stallTimeout, transcripts, git);
    }

    /**
     * Listens on this address. Anything but loopback exposes the sessions (and the power to prompt
     * agents) to the network, so it needs {@code allowNonLoopback} and is logged as a warning.
     */
    public DashboardOptions withBindAddress(InetAddress value, boolean allowNonLoopback) {
        return new DashboardOptions(token, value, port, allowNonLoopback, replayEvents, clientQueueCapacity,
                maxClients, stallTimeout, transcripts, git);
    }

    /** Keeps this many recent events for pages that reconnect. */
    public DashboardOptions withReplayEvents(int value) {
        return new DashboardOptions(token, bindAddress, port, allowNonLoopback, value, clientQueueCapacity, maxClients,
                stallTimeout, transcripts, git);
    }

    /** Drops a page that falls this many events behind. */
    public DashboardOptions withClientQueueCapacity(int value) {
        return new DashboardOptions(token, bindAddress, port, allowNonLoopback, replayEvents, value, maxClients,
                stallTimeout, transcripts, git);
    }

    /** Refuses more than this many connected pages. */
    public DashboardOptions withMaxClients(int value) {
        return new DashboardOptions(token, bindAddress, port, allowNonLoopback, replayEvents, clientQueueCapacity,
                value, stallTimeout, transcripts, git);
    }

    /** Drops a page when writing one event to it blocks this long. */
    public DashboardOptions withStallTimeout(Duration value) {
        return new DashboardOptions(token, bindAddress, port, allowNonLoopback, replayEvents, clientQueueCapacity,
                maxClients, value, transcripts, git);
    }

    /** Reads transcripts from this store (the dashboard does not close it). */
    public DashboardOptions withTranscripts(StateStore store) {
        return new DashboardOptions(token, bindAddress, port, allowNonLoopback, replayEvents, clientQueueCapacity,
                maxClients, stallTimeout, Optional.of(Objects.requireNonNull(store, "transcripts")), git);
    }

    /** Reads the cards' diff stats with this backend instead of the one {@code ServiceLoader} finds. */
    public DashboardOptions withGit(GitBackend backend) {
        return new DashboardOptions(token, bindAddress, port, allowNonLoopback, replayEvents, clientQueueCapacity,
                maxClients, stallTimeout, transcripts, Optional.of(Objects.requireNonNull(backend, "git")));
    }
}
