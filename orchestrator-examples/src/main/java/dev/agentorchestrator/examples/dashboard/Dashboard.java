package dev.agentorchestrator.examples.dashboard;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.Orchestrator;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live web dashboard of an {@link Orchestrator}: one page showing every session, updated by
 * server-sent events from the orchestrator's own events, with buttons to prompt, stop, resume and
 * remove sessions. Served by the JDK's HTTP server, on loopback unless told otherwise, to whoever
 * holds its token.
 *
 * <pre>{@code
 * try (Orchestrator o = Orchestrator.builder().repo(repo).start();
 *      Dashboard dashboard = Dashboard.start(o, DashboardOptions.defaults())) {
 *     System.out.println("Dashboard: " + dashboard.url());
 *     o.awaitAll(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p>A process that already serves HTTP (the engine process with its {@code /api/}) adds the page to
 * its own server with {@link #attach}; the dashboard's routes are {@code /} and {@code /dashboard/...}.
 * Closing the dashboard ends its streams and, for {@link #start}, stops its server; it never closes
 * the orchestrator.
 */
public final class Dashboard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final HttpServer server;
    private final boolean ownsServer;
    private final ExecutorService ownExecutor;
    private final List<HttpContext> contexts;
    private final EventJournal journal;
    private final DiffStats diffStats;
    private final EventSubscription subscription;
    private final DashboardRoutes routes;
    private final Transcripts transcripts;
    private final String token;
    private final ScheduledExecutorService watchdog;
    private volatile boolean closed;

    private Dashboard(HttpServer server, boolean ownsServer, ExecutorService ownExecutor, Orchestrator orchestrator,
                      DashboardOptions options) {
        this.server = server;
        this.ownsServer = ownsServer;
        this.ownExecutor = ownExecutor;
        this.token = options.token().orElseGet(AccessGuard::randomToken);
        this.diffStats = new DiffStats(orchestrator, options.git());
        this.journal = new EventJournal(orchestrator, options.replayEvents(), diffStats);
        diffStats.onRefreshed(journal::refreshCards);
        this.transcripts = new Transcripts(orchestrator, options.transcripts());
        AccessGuard guard = new AccessGuard(token, server.getAddress().getPort());
        this.routes = new DashboardRoutes(orchestrator, options, guard, journal, transcripts);
        try {
            this.contexts = List.of(server.createContext("/", routes), server.createContext("/dashboard/", routes));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Cannot add the dashboard to this HTTP server: " + e.getMessage()
                    + ". The dashboard needs the paths / and /dashboard/; serve other handlers under other paths"
                    + " (the engine's control API is under /api/).", e);
        }
        this.subscription = orchestrator.events().subscribe(journal);
        diffStats.touchAll();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-stall-watchdog");
            t.setDaemon(true);
            return t;
        });
        long stallNanos = options.stallTimeout().toNanos();
        long every = Math.max(100, Math.min(1000, options.stallTimeout().toMillis() / 2));
        watchdog.scheduleWithFixedDelay(() -> journal.dropStalled(stallNanos), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a dashboard on its own HTTP server.
     *
     * @throws ConfigurationException when the port cannot be bound (the message says which and why)
     */
    public static Dashboard start(Orchestrator orchestrator, DashboardOptions options) {
        Objects.requireNonNull(orchestrator, "orchestrator");
        Objects.requireNonNull(options, "options");
        InetSocketAddress address = new InetSocketAddress(options.bindAddress(), options.port());
        if (!options.bindAddress().isLoopbackAddress()) {
            LOG.warn("The dashboard listens on {}, which other machines may reach: anyone with its token can see and"
                    + " prompt every session. Bind to 127.0.0.1 unless you mean it.", options.bindAddress().getHostAddress());
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new ConfigurationException("The dashboard could not listen on " + hostForUrl(options.bindAddress()) + ":"
                    + options.port() + ": " + e.getMessage() + ". Pick another port (0 picks a free one).", e);
        }
        int n = SERVERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        // Requests are short (streams run on threads of their own), so a few threads serve many pages.
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "dashboard-" + n + "-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Dashboard dashboard;
        try {
            dashboard = new Dashboard(server, true, executor, orchestrator, options);
        } catch (RuntimeException e) {
            server.stop(0);
            executor.shutdownNow();
            throw e;
        }
        server.start();
        return dashboard;
    }

    /**
     * Adds the dashboard's routes ({@code /} and {@code /dashboard/}) to a server the caller owns
     * and has started or will start. Closing the dashboard removes them and leaves the server running.
     *
     * @throws ConfigurationException when the server already has a handler on one of those paths
     */
    public static Dashboard attach(HttpServer server, Orchestrator orchestrator, DashboardOptions options) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(orchestrator, "orchestrator");
        Objects.requireNonNull(options, "options");
        InetAddress bound = server.getAddress().getAddress();
        if (!bound.isLoopbackAddress()) {
            if (!options.allowNonLoopback()) {
                throw new ConfigurationException("The server listens on " + bound.getHostAddress() + ", which other"
                        + " machines may reach; pass DashboardOptions.withBindAddress(address, true) to serve the"
                        + " dashboard there on purpose, or bind the server to 127.0.0.1");
            }
            LOG.warn("The dashboard is served on {}, which other machines may reach: anyone with its token can see and"
                    + " prompt every session.", bound.getHostAddress());
        }
        return new Dashboard(server, false, null, orchestrator, options);
    }

    /** The address to open in a browser, token included. */
    public URI url() {
        InetSocketAddress address = server.getAddress();
        InetAddress host = address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address.getAddress();
        return URI.create("http://" + hostForUrl(host) + ":" + address.getPort() + "/?token=" + token);
    }

    /** The token every request must carry (in the page's cookie or as {@code Authorization: Bearer}). */
    public String token() {
        return token;
    }

    /** The port the page is served on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** How many pages have the live event stream open. */
    public int connectedPages() {
        return journal.pageCount();
    }

    /** Ends every stream, removes the routes and (for {@link #start}) stops the server. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscription.close();
        watchdog.shutdownNow();
        routes.close();
        diffStats.close();
        journal.closeAll();
        if (ownsServer) {
            server.stop(0);
            ownExecutor.shutdownNow();
        } else {
            contexts.forEach(server::removeContext);
        }
        transcripts.close();
    }

    private static String hostForUrl(InetAddress address) {
        String host = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + host.replaceFirst("%.*$", "") + "]" : host;
    }

}
