package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.FeatureNames;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Every generated feature name is either refused by {@link FeatureNames#check} under one of its
 * named rules, or becomes a worktree on {@code feature/<name>} at {@code <repo>.worktrees/<name>}
 * that works with git and goes away without a trace. One repository serves all tries of a run;
 * each try must leave it as it found it, which is what the property checks.
 */
public abstract class GitBackendNameProperties {

    private static final Set<String> RULES = Set.of(FeatureNames.RULE_EMPTY, FeatureNames.RULE_LENGTH,
            FeatureNames.RULE_CONTROL, FeatureNames.RULE_FORBIDDEN_CHARACTER, FeatureNames.RULE_DOUBLE_DOT,
            FeatureNames.RULE_ABSOLUTE, FeatureNames.RULE_SLASHES, FeatureNames.RULE_DOT_COMPONENT,
            FeatureNames.RULE_LOCK_SUFFIX, FeatureNames.RULE_TRAILING_DOT, FeatureNames.RULE_AT_BRACE,
            FeatureNames.RULE_AT_ALONE, FeatureNames.RULE_ALLOWED_CHARACTERS, FeatureNames.RULE_LEADING_DASH,
            FeatureNames.RULE_RESERVED_NAME, FeatureNames.RULE_GIT_SPECIAL);

    /** The backend under test. */
    protected abstract GitBackend backend();

    private Path temp;
    private Path repo;
    private Path worktreesRoot;
    private GitRepository repository;

    @BeforeProperty
    void createRepository() throws IOException {
        temp = Files.createTempDirectory("feature-names");
        repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "hello\n"));
        worktreesRoot = repo.resolveSibling("repo.worktrees");
        repository = backend().open(repo);
    }

    @AfterProperty
    void deleteRepository() {
        repository.close();
        deleteTree(temp);
    }

    @AfterTry
    void removeEmptyFoldersLeftUnderTheWorktreesRoot() {
        // Like git, a backend keeps the parent folders it made ("a" of "a/b"); the property has
        // already checked that they hold no file. Clearing them keeps one try from seeing another's.
        deleteTree(worktreesRoot);
    }

    @Property(tries = 40)
    void aNameIsRefusedByARuleOrMakesAWorktreeThatLeavesNoTrace(@ForAll("featureNames") String name) {
        State before = state();
        InvalidFeatureNameException refused = null;
        try {
            FeatureNames.check(name);
        } catch (InvalidFeatureNameException e) {
            refused = e;
        }
        Statistics.label("outcome").collect(refused == null ? "accepted" : "refused: " + refused.rule());
        if (refused != null) {
            assertTrue(RULES.contains(refused.rule()), "unknown rule " + refused.rule());
            assertEquals(name, refused.name());
            assertEquals(before, state());
            return;
        }
        String branch = "feature/" + name;
        TestRepos.Result format = TestRepos.tryGit(repo, "check-ref-format", "--branch", branch);
        assertEquals(0, format.exitCode(), "FeatureNames accepts '" + name + "' but git refuses the branch '"
                + branch + "': " + format.output());

        Path folder = worktreesRoot.resolve(name);
        Worktree wt = repository.createWorktree(new WorktreeRequest(folder, branch, "main"));
        assertEquals(real(folder), wt.path());
        assertEquals(Optional.of(branch), wt.branch());
        assertTrue(repository.listWorktrees().contains(wt), "listed: " + repository.listWorktrees());
        String commit = TestRepos.commitFiles(wt.path(), Map.of("work.txt", name + "\n"), "work on " + name);
        assertEquals(Optional.of(commit), repository.resolve(branch));

        repository.removeWorktree(wt.path(), false);
        repository.deleteBranch(branch, true);
        assertFalse(Files.exists(folder), "worktree folder " + folder + " is gone");
        assertEquals(before, state());
    }

    @Provide
    Arbitrary<String> featureNames() {
        Arbitrary<String> part = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.")
                .ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> valid = part.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts));
        Arbitrary<String> nonAscii = Arbitraries.of("caf\u00e9", "na\u00efve-\u00fc", "\u65e5\u672c\u8a9e",
                "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac", "emoji-\ud83d\ude00", "stra\u00dfe/gr\u00f6\u00dfe",
                "\u00e9".repeat(90), "\u4e2d".repeat(90), "\u4e2d".repeat(60) + "/" + "\u4e2d".repeat(39));
        Arbitrary<String> troublesome = Arbitraries.of("..", ".", ".lock", "@{", "@", " ", "\t", "\n", "\u0000",
                "\u007f", "\u0085", "~", "^", ":", "?", "*", "[", "\\", "/", "//", "/.", ".lock/", "\u00a0",
                "\u200b", "\u2028", "\ud800", "\"", "<", "|", "#", "!", "'", "{}", "$", "%", "-", "HEAD", "nul", "aux.txt",
                "&", "@");
        Arbitrary<String> inserted = Combinators.combine(valid, troublesome, Arbitraries.integers().between(0, 40))
                .as((name, piece, at) -> {
                    int i = at % (name.length() + 1);
                    return name.substring(0, i) + piece + name.substring(i);
                });
        Arbitrary<String> leading = Combinators.combine(troublesome, valid).as((piece, name) -> piece + name);
        Arbitrary<String> trailing = Combinators.combine(valid, troublesome).as((name, piece) -> name + piece);
        Arbitrary<String> lengths = Arbitraries.integers().between(95, 105).map("n"::repeat);
        return Arbitraries.frequencyOf(
                Tuple.of(4, valid), Tuple.of(3, nonAscii), Tuple.of(5, inserted), Tuple.of(2, leading),
                Tuple.of(2, trailing), Tuple.of(2, lengths), Tuple.of(1, Arbitraries.just("")));
    }

    /** What a try may touch: worktrees and branches git lists, git's worktree records, and files. */
    private record State(String worktrees, String branches, List<String> records, List<String> repoFiles,
                         List<String> filesUnderWorktreesRoot) {
    }

    private State state() {
        List<String> files = TestRepos.tree(worktreesRoot).stream()
                .filter(p -> !Files.isDirectory(worktreesRoot.resolve(p))).toList();
        List<String> repoFiles = TestRepos.tree(repo).stream().filter(p -> !p.startsWith(".git")).toList();
        return new State(TestRepos.git(repo, "worktree", "list", "--porcelain"),
                TestRepos.git(repo, "branch", "--list"), TestRepos.tree(repo.resolve(".git/worktrees")),
                repoFiles, files);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
