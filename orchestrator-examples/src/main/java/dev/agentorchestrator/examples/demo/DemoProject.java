package dev.agentorchestrator.examples.demo;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.ci.CommandCiRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The demo's "shop" project: a repository with a README, a shared {@code src/routes.txt} that
 * features register themselves in, and a real test ({@code test/ShopTest.java}, a single-file Java
 * program) that CI runs in each worktree. The test checks that every feature described in
 * {@code features/} has its implementation in {@code src/}, that no implementation still holds
 * a {@code TODO} and that every route is a path and a name, each path once; it writes a JUnit XML report, so a red run names the failing feature. Needs only
 * a JDK: no git binary, no build tool, no network.
 */
public final class DemoProject {

    /** Where the test writes its report, relative to the worktree (ignored by git, so CI leaves the tree clean). */
    public static final String REPORT = "build/test-results/TEST-ShopTest.xml";

    /** The file that features register their routes in; two features editing it is the demo's overlap. */
    public static final String ROUTES = "src/routes.txt";

    private DemoProject() {
    }

    /** Makes the repository on {@code main} with one commit, with JGit so that no git binary is needed. */
    public static Path create(Path repo) throws IOException, GitAPIException {
        Files.createDirectories(repo);
        Map<String, String> files = Map.of(
                "README.md", "# Shop\n\nA demo project for agent-orchestrator. Test it with `java test/ShopTest.java`.\n",
                ".gitignore", "build/\n",
                ROUTES, "# Routes: one line per page, its path and its feature\n/              home\n",
                "test/ShopTest.java", TEST_SOURCE);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = repo.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        }
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Demo", "demo@example.invalid");
            git.commit().setMessage("Initial commit").setAuthor(me).setCommitter(me).call();
        }
        return repo;
    }

    /**
     * The demo's CI: runs {@code test/ShopTest.java} with this JVM's {@code java} in each worktree
     * and reads its JUnit report; each run's log goes to {@code logs}.
     */
    public static CommandCiRunner ci(Path logs) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Ci.command(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "test/ShopTest.java")
                .withReports(REPORT)
                .withLogDirectory(logs);
    }

    /** The test the demo repository holds: plain Java, run as a single source file, no libraries. */
    private static final String TEST_SOURCE = """
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.stream.Stream;

            /** Every described feature is implemented, with nothing left to do, and the routes are well formed. Writes a JUnit XML report. */
            public class ShopTest {
                public static void main(String[] args) throws Exception {
                    List<String[]> results = new ArrayList<>(); // name, failure message or null
                    Path features = Path.of("features");
                    List<Path> docs = new ArrayList<>();
                    if (Files.isDirectory(features)) {
                        try (Stream<Path> s = Files.list(features)) {
                            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
                        }
                    }
                    for (Path doc : docs) {
                        String name = doc.getFileName().toString().replaceFirst("\\\\.md$", "");
                        Path impl = Path.of("src", name + ".txt");
                        String failure = null;
                        if (!Files.exists(impl)) {
                            failure = "feature '" + name + "' is described but " + impl + " is missing";
                        } else {
                            List<String> lines = Files.readAllLines(impl);
                            for (int i = 0; i < lines.size(); i++) {
                                if (lines.get(i).contains("TODO")) {
                                    failure = "src/" + name + ".txt line " + (i + 1) + " is unfinished: " + lines.get(i).strip();
                                    break;
                                }
                            }
                        }
                        results.add(new String[] {name, failure});
                        System.out.println((failure == null ? "PASS " : "FAIL ") + name + (failure == null ? "" : ": " + failure));
                    }
                    String routeFailure = null;
                    java.util.Set<String> paths = new java.util.HashSet<>();
                    for (String line : Files.readAllLines(Path.of("src", "routes.txt"))) {
                        String[] parts = line.strip().split("\\s+");
                        if (line.startsWith("#") || line.isBlank()) {
                            continue;
                        }
                        if (parts.length != 2 || !parts[0].startsWith("/") || !paths.add(parts[0])) {
                            routeFailure = "src/routes.txt has a bad or repeated route: " + line.strip();
                            break;
                        }
                    }
                    results.add(new String[] {"routes", routeFailure});
                    System.out.println((routeFailure == null ? "PASS routes" : "FAIL routes: " + routeFailure));
                    long failed = results.stream().filter(r -> r[1] != null).count();
                    StringBuilder xml = new StringBuilder("<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?>\\n")
                            .append("<testsuite name=\\"ShopTest\\" tests=\\"").append(results.size())
                            .append("\\" failures=\\"").append(failed).append("\\" errors=\\"0\\" skipped=\\"0\\">\\n");
                    for (String[] r : results) {
                        xml.append("  <testcase classname=\\"ShopTest\\" name=\\"").append(escape(r[0])).append('"');
                        if (r[1] == null) {
                            xml.append("/>\\n");
                        } else {
                            xml.append("><failure message=\\"").append(escape(r[1])).append("\\">")
                                    .append(escape(r[1])).append("</failure></testcase>\\n");
                        }
                    }
                    xml.append("</testsuite>\\n");
                    Path report = Path.of("build", "test-results", "TEST-ShopTest.xml");
                    Files.createDirectories(report.getParent());
                    Files.writeString(report, xml);
                    System.out.println((results.size() - failed) + " passed, " + failed + " failed");
                    System.exit(failed == 0 ? 0 : 1);
                }

                private static String escape(String s) {
                    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\\"", "&quot;");
                }
            }
            """;
}
