package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * For random pairs of branches cut from one base, each made of random edits (add, modify,
 * delete, lines changed, inserted, removed) over a few files, {@link GitRepository#mergeTree}
 * agrees with {@code git merge-tree --write-tree}: a conflict exactly when git reports one, the
 * same conflicting paths, and the same tree when clean.
 *
 * <p>What the generator leaves out, and why: renames (JGit's merge does not detect renames,
 * git's does; every line names its file, so a delete plus an add is never similar enough for git
 * to pair them), folders that become files (no generated path is a prefix of another), and
 * criss-cross histories (one merge base only).
 *
 * <p>Tries default to 30; {@code -Dagentorchestrator.mergeProperty.tries=300} runs more (the tries
 * of a {@code @Property} are fixed at compile time, so extra rounds run inside each try).
 */
public abstract class GitBackendMergeProperties {

    private static final int EXTRA_ROUNDS = Integer.getInteger("agentorchestrator.mergeProperty.tries", 30) / 30;
    private static final List<String> FILES = List.of("a.txt", "b.txt", "src/c.txt", "src/d.txt");
    private static final int LINES = 6;

    /** The backend under test. */
    protected abstract GitBackend backend();

    private Path temp;
    private Path repo;
    private GitRepository repository;
    private int tryNumber;

    /** One file's content on one side: absent, or its lines. */
    record Content(Optional<List<String>> lines) {
        String text() {
            return String.join("", lines.orElseThrow().stream().map(l -> l + "\n").toList());
        }
    }

    @BeforeProperty
    void createRepository() throws IOException {
        temp = Files.createTempDirectory("merge-property");
        repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "tries live on their own branches\n"));
        repository = backend().open(repo);
    }

    @AfterProperty
    void deleteRepository() throws IOException {
        repository.close();
        try (Stream<Path> paths = Files.walk(temp)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Property(tries = 30)
    void mergeTreeReportsAConflictExactlyWhenGitDoesWithTheSamePathsAndTree(
            @ForAll("histories") List<Map<String, Content>> history) {
        for (int round = 0; round < Math.max(1, EXTRA_ROUNDS); round++) {
            // One repository for every try, each try on its own three branches, written by one
            // fast-import process: a handful of processes per try instead of dozens.
            int n = tryNumber++;
            fastImport(n, history);
            TestRepos.Result git = TestRepos.tryGit(repo, "merge-tree", "--write-tree", "--name-only",
                    "--no-messages", "-z", "one-" + n, "two-" + n);
            List<String> fields = List.of(git.stdout().split("\0"));
            MergePreview preview = repository.mergeTree("one-" + n, "two-" + n);
            Statistics.label("outcome").collect(git.exitCode() == 0 ? "clean" : "conflict");
            assertEquals(git.exitCode() == 0, preview.isClean(), "clean? git says exit " + git.exitCode()
                    + " " + fields + "; backend says " + preview + "; history " + history);
            assertEquals(List.of(TestRepos.git(repo, "rev-parse", "base-" + n).strip()), preview.mergeBases());
            if (preview.isClean()) {
                assertEquals(Optional.of(fields.get(0)), preview.tree(), "merged tree; history " + history);
            } else {
                assertEquals(fields.subList(1, fields.size()).stream().distinct().sorted().toList(),
                        preview.conflicts(), "conflicting paths; history " + history);
            }
        }
    }

    /** Writes branches base-N, one-N and two-N (both sides on top of the base) with git fast-import. */
    private void fastImport(int n, List<Map<String, Content>> history) {
        StringBuilder in = new StringBuilder();
        String[] branches = {"base-" + n, "one-" + n, "two-" + n};
        for (int i = 0; i < 3; i++) {
            in.append("commit refs/heads/").append(branches[i]).append('\n')
                    .append("committer Test User <test@example.invalid> 1700000000 +0000\n")
                    .append("data <<EOM\n").append(branches[i]).append("\nEOM\n");
            if (i > 0) {
                in.append("from refs/heads/").append(branches[0]).append('\n');
            }
            for (Map.Entry<String, Content> e : history.get(i).entrySet()) {
                if (e.getValue().lines().isPresent()) {
                    byte[] data = e.getValue().text().getBytes(StandardCharsets.UTF_8);
                    in.append("M 100644 inline ").append(e.getKey()).append("\ndata ").append(data.length).append('\n')
                            .append(e.getValue().text()).append('\n');
                } else if (i > 0) {
                    in.append("D ").append(e.getKey()).append('\n');
                }
            }
            in.append('\n');
        }
        try {
            Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(repo.toFile())
                    .redirectErrorStream(true).start();
            try (var stdin = p.getOutputStream()) {
                stdin.write(in.toString().getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("git fast-import failed: " + out + "\n" + in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A base and two sides: each side starts from the base and edits some files. */
    @Provide
    Arbitrary<List<Map<String, Content>>> histories() {
        Arbitrary<Map<String, Content>> base = Combinators.combine(FILES.stream().map(this::baseFile).toList())
                .as(contents -> {
                    Map<String, Content> files = new LinkedHashMap<>();
                    for (int i = 0; i < FILES.size(); i++) {
                        files.put(FILES.get(i), contents.get(i));
                    }
                    return files;
                });
        return base.flatMap(b -> Combinators.combine(side(b), side(b)).as((one, two) -> List.of(b, one, two)));
    }

    private Arbitrary<Content> baseFile(String name) {
        Arbitrary<Content> present = Arbitraries.just(new Content(Optional.of(linesOf(name, "base"))));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, present),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Content(Optional.empty()))));
    }

    private static List<String> linesOf(String file, String tag) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            lines.add(file + " line " + i + " " + tag);
        }
        return lines;
    }

    private Arbitrary<Map<String, Content>> side(Map<String, Content> base) {
        List<Arbitrary<Content>> edits = new ArrayList<>();
        for (String file : FILES) {
            edits.add(edit(file, base.get(file)));
        }
        return Combinators.combine(edits).as(contents -> {
            Map<String, Content> files = new LinkedHashMap<>();
            for (int i = 0; i < FILES.size(); i++) {
                files.put(FILES.get(i), contents.get(i));
            }
            return files;
        });
    }

    /** Keep, delete, or change lines of a file present in the base; keep or add one absent from it. */
    private Arbitrary<Content> edit(String file, Content base) {
        // A small alphabet of tags makes both sides sometimes write the very same line.
        Arbitrary<String> tag = Arbitraries.of("x", "y");
        if (base.lines().isEmpty()) {
            Arbitrary<Content> added = tag.map(t -> new Content(Optional.of(linesOf(file, t))));
            return Arbitraries.oneOf(Arbitraries.just(base), added);
        }
        List<String> lines = base.lines().orElseThrow();
        Arbitrary<Content> changed = Combinators.combine(
                Arbitraries.integers().between(0, LINES - 1), Arbitraries.of("replace", "insert", "remove"), tag,
                Arbitraries.integers().between(0, 1)).as((at, how, t, more) -> {
                    List<String> out = new ArrayList<>(lines);
                    for (int k = 0; k <= more && at + k * 3 < out.size(); k++) {
                        int line = at + k * 3;
                        String text = file + " line " + line + " " + t;
                        switch (how) {
                            case "replace" -> out.set(line, text);
                            case "insert" -> out.add(line, text + " inserted");
                            default -> out.remove(line);
                        }
                    }
                    return new Content(Optional.of(out));
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(base)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Content(Optional.empty()))),
                net.jqwik.api.Tuple.of(4, changed));
    }
}
