package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentorchestrator.ConcurrentRefUpdateException;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GitBackend} must do to merge without a working tree: {@code mergeTree},
 * {@code commitTree}, the compare-and-swap {@code updateBranch} and {@code advanceWorktree},
 * checked against what the git binary itself computes. A backend's test class extends this and
 * implements {@link #backend()}, as for {@link GitBackendContract}.
 */
public abstract class GitBackendMergeContract extends GitBackendContractSupport {

    /** A repository whose branches {@code one} and {@code two} change different files, and {@code three} conflicts with {@code one}. */
    private Path branchyRepo() {
        Path repo = newRepo("repo");
        git(repo, "checkout", "-q", "-b", "one");
        TestRepos.commitFiles(repo, Map.of("README.md", "hello from one\n"), "one edits the README");
        git(repo, "checkout", "-q", "-b", "two", "main");
        TestRepos.commitFiles(repo, Map.of("src/App.java", "class App { int two; }\n", "docs/two.md", "two\n"),
                "two edits App and adds a doc");
        git(repo, "checkout", "-q", "-b", "three", "main");
        TestRepos.commitFiles(repo, Map.of("README.md", "hello from three\n"), "three edits the README too");
        git(repo, "rm", "-q", "src/App.java");
        git(repo, "commit", "-q", "-m", "three deletes App");
        git(repo, "checkout", "-q", "main");
        return repo;
    }

    @Test
    void aCleanMergeGivesTheTreeGitMergeTreeGivesAndTheMergeBase() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        MergePreview preview = r.mergeTree("one", "two");
        assertTrue(preview.isClean(), preview.toString());
        assertEquals(List.of(), preview.conflicts());
        assertEquals(Optional.of(git(repo, "merge-tree", "--write-tree", "one", "two").strip()), preview.tree());
        assertEquals(head(repo, "one"), preview.ours());
        assertEquals(head(repo, "two"), preview.theirs());
        assertEquals(List.of(head(repo, "main")), preview.mergeBases());
        assertFalse(preview.isFastForward());
        assertEquals("hello from one\n", git(repo, "show", preview.tree().orElseThrow() + ":README.md"));
        assertEquals("two\n", git(repo, "show", preview.tree().orElseThrow() + ":docs/two.md"));
    }

    @Test
    void aMergeIntoAnAncestorIsAFastForward() {
        Path repo = branchyRepo();
        MergePreview preview = open(repo).mergeTree("main", "one");
        assertTrue(preview.isClean() && preview.isFastForward(), preview.toString());
        assertEquals(Optional.of(head(repo, "one^{tree}")), preview.tree());
        assertTrue(open(repo).mergeTree("one", "main").isAlreadyMerged());
    }

    @Test
    void aConflictingMergeNamesThePathsAndLeavesRefsIndexesAndFilesByteIdentical() {
        Path repo = branchyRepo();
        git(repo, "worktree", "add", "-q", temp.resolve("wt-three").toString(), "three");
        TestRepos.writeFiles(repo, Map.of("README.md", "uncommitted\n", "notes.txt", "untracked\n"));
        GitRepository r = open(repo);
        Map<String, String> before = hashesOutsideObjects();
        MergePreview preview = r.mergeTree("two", "three");
        assertFalse(preview.isClean());
        assertEquals(Optional.empty(), preview.tree());
        assertEquals(List.of("src/App.java"), preview.conflicts(),
                "two changed App.java, three deleted it; README.md only changed on three");
        MergePreview both = r.mergeTree("one", "three");
        assertEquals(List.of("README.md"), both.conflicts());
        assertEquals(before, hashesOutsideObjects(), "refs, indexes, HEADs and working files are untouched");
    }

    @Test
    void conflictsAreTheOnesGitReports() {
        Path repo = branchyRepo();
        TestRepos.Result git = TestRepos.tryGit(repo, "merge-tree", "--write-tree", "--name-only", "--no-messages",
                "-z", "one", "three");
        assertEquals(1, git.exitCode(), git.output());
        List<String> fields = List.of(git.stdout().split("\0"));
        assertEquals(fields.subList(1, fields.size()), open(repo).mergeTree("one", "three").conflicts());
    }

    @Test
    void mergeConflictsSaysWhatMergeTreeSaysForFullIdsAndNames() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        for (String[] pair : new String[][] {{"one", "two"}, {"one", "three"}, {"two", "three"}, {"main", "one"}}) {
            List<String> expected = r.mergeTree(pair[0], pair[1]).conflicts();
            assertEquals(expected, r.mergeConflicts(head(repo, pair[0]), head(repo, pair[1])), String.join(" x ", pair));
            assertEquals(expected, r.mergeConflicts(pair[0], pair[1]), String.join(" x ", pair) + " by name");
        }
        git(repo, "checkout", "-q", "--orphan", "island");
        TestRepos.commitFiles(repo, Map.of("island.txt", "alone\n"), "unrelated root");
        git(repo, "checkout", "-q", "main");
        GitRepository fresh = open(repo);
        GitException e = assertThrows(GitException.class, () -> fresh.mergeConflicts(head(repo, "main"), head(repo, "island")));
        assertTrue(e.getMessage().contains("no history") || e.getMessage().contains("share no"), e.getMessage());
        String missing = "0123456789abcdef0123456789abcdef01234567";
        assertThrows(GitException.class, () -> fresh.mergeConflicts(head(repo, "main"), missing));
    }

    @Test
    void resolveAllResolvesBranchesAndOtherRevisionsLikeResolve() {
        Path repo = branchyRepo();
        git(repo, "tag", "v1", "one");
        GitRepository r = open(repo);
        List<String> revisions = List.of("one", "two", "main", "v1", "HEAD", head(repo, "three"), "three~1", "no-such-branch");
        Map<String, Optional<String>> all = r.resolveAll(revisions);
        assertEquals(revisions, List.copyOf(all.keySet()), "every revision asked, in order");
        for (String rev : revisions) {
            assertEquals(r.resolve(rev), all.get(rev), rev);
        }
        assertEquals(Optional.empty(), all.get("no-such-branch"));
    }

    @Test
    void mergingUnrelatedHistoriesOrAnUnknownRevisionFailsClearly() {
        Path repo = branchyRepo();
        git(repo, "checkout", "-q", "--orphan", "island");
        TestRepos.commitFiles(repo, Map.of("island.txt", "alone\n"), "unrelated root");
        git(repo, "checkout", "-q", "main");
        GitRepository r = open(repo);
        GitException e = assertThrows(GitException.class, () -> r.mergeTree("main", "island"));
        assertTrue(e.getMessage().contains("no history") || e.getMessage().contains("share no"), e.getMessage());
        e = assertThrows(GitException.class, () -> r.mergeTree("main", "no-such-branch"));
        assertTrue(e.getMessage().contains("no-such-branch"), e.getMessage());
    }

    @Test
    void commitTreeWritesACommitGitReadsWithTheConfiguredIdentityAndMovesNothing() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        MergePreview preview = r.mergeTree("one", "two");
        Snapshot before = snapshot(repo);
        String id = r.commitTree(CommitRequest.of(preview.tree().orElseThrow(),
                List.of(preview.ours(), preview.theirs()), "Merge two into one\n\nBecause.  \n\n"));
        assertEquals(before.branches(), snapshot(repo).branches(), "no branch moved");
        assertEquals(preview.tree().orElseThrow(), head(repo, id + "^{tree}"));
        assertEquals(preview.ours() + " " + preview.theirs(), git(repo, "log", "-1", "--format=%P", id).strip());
        assertEquals("Test User <test@example.invalid>|Test User <test@example.invalid>",
                git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", id).strip());
        String raw = git(repo, "cat-file", "commit", id);
        assertTrue(raw.endsWith("\n\nMerge two into one\n\nBecause.\n"), raw);
    }

    @Test
    void commitTreeUsesTheAuthorAndCommitterGiven() {
        Path repo = branchyRepo();
        String id = open(repo).commitTree(CommitRequest.of(head(repo, "one^{tree}"), List.of(), "root")
                .withAuthor(new GitIdentity("Ada Lovelace", "ada@example.org"))
                .withCommitter(new GitIdentity("Merge Bot", "bot@example.org")));
        assertEquals("Ada Lovelace <ada@example.org>|Merge Bot <bot@example.org>|",
                git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%P", id).strip());
    }

    @Test
    void commitTreeWithoutAConfiguredIdentityUsesTheFallback() {
        Path repo = branchyRepo();
        // Only meaningful where no global identity exists (as on CI, with an empty global config).
        assumeTrue(TestRepos.tryGit(repo, "config", "--global", "user.name").exitCode() != 0
                && TestRepos.tryGit(repo, "config", "--system", "user.name").exitCode() != 0
                && System.getenv("GIT_COMMITTER_NAME") == null && System.getenv("GIT_AUTHOR_NAME") == null);
        git(repo, "config", "--unset", "user.name");
        git(repo, "config", "--unset", "user.email");
        String id = open(repo).commitTree(CommitRequest.of(head(repo, "one^{tree}"), List.of(head(repo, "one")), "x"));
        assertEquals(GitIdentity.FALLBACK + "|" + GitIdentity.FALLBACK,
                git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", id).strip());
    }

    @Test
    void commitTreeOfAnUnknownTreeOrParentFailsAndWritesNothing() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String tree = head(repo, "main^{tree}");
        String missing = "1234567890123456789012345678901234567890";
        GitException e = assertThrows(GitException.class, () -> r.commitTree(CommitRequest.of(missing, List.of(), "x")));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
        e = assertThrows(GitException.class, () -> r.commitTree(CommitRequest.of(tree, List.of(tree), "x")));
        assertTrue(e.getMessage().contains("not a commit"), e.getMessage());
        assertThrows(GitException.class, () -> CommitRequest.of("main", List.of(), "x"), "names are refused, ids only");
    }

    @Test
    void updateBranchMovesTheBranchWhenItIsWhereTheCallerSawItAndWritesAReflogEntry() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String old = head(repo, "one");
        String merged = r.commitTree(CommitRequest.of(r.mergeTree("one", "two").tree().orElseThrow(),
                List.of(old, head(repo, "two")), "merge"));
        r.updateBranch("one", merged, old);
        assertEquals(merged, head(repo, "one"));
        assertTrue(git(repo, "reflog", "show", "-1", "--format=%gs", "refs/heads/one").contains("agent-orchestrator"));
        // Any move is allowed, backwards too, as long as the old value matches.
        r.updateBranch("one", old, merged);
        assertEquals(old, head(repo, "one"));
    }

    @Test
    void updateBranchDetectsAConcurrentMoveAndOverwritesNothing() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String seen = head(repo, "one");
        String target = head(repo, "two");
        // Someone else commits on the branch between our read and our write.
        git(repo, "checkout", "-q", "one");
        String theirs = TestRepos.commitFiles(repo, Map.of("late.txt", "late\n"), "a concurrent commit");
        git(repo, "checkout", "-q", "main");
        Snapshot before = snapshot(repo);
        ConcurrentRefUpdateException e = assertThrows(ConcurrentRefUpdateException.class,
                () -> r.updateBranch("one", target, seen));
        assertEquals("one", e.branch());
        assertEquals(seen, e.expected());
        assertEquals(Optional.of(theirs), e.actual());
        assertTrue(e.getMessage().contains(seen) && e.getMessage().contains(theirs), e.getMessage());
        assertEquals(before, snapshot(repo));

        git(repo, "branch", "-D", "three");
        e = assertThrows(ConcurrentRefUpdateException.class, () -> r.updateBranch("three", target, seen));
        assertEquals(Optional.empty(), e.actual());
        assertFalse(r.branchExists("three"), "a deleted branch is not brought back");
    }

    @Test
    void updateBranchRefusesSomethingThatIsNotACommitId() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String old = head(repo, "one");
        assertThrows(GitException.class, () -> r.updateBranch("one", "two", old), "a name is not an id");
        assertThrows(GitException.class, () -> r.updateBranch("one", head(repo, "two^{tree}"), old));
        assertThrows(GitException.class, () -> r.updateBranch("one", head(repo, "two"), "one"));
        assertEquals(old, head(repo, "one"));
    }

    @Test
    void advanceWorktreeBringsACleanCheckoutAlongAndKeepsUnrelatedLocalChanges() {
        Path repo = branchyRepo();
        Path wt = temp.resolve("wt-one");
        git(repo, "worktree", "add", "-q", wt.toString(), "one");
        TestRepos.writeFiles(wt, Map.of("src/Other.java", "untracked, kept\n"));
        GitRepository r = open(repo);
        assertEquals(List.of(real(wt)), r.worktreesWithBranch("one"));
        assertEquals(List.of(real(repo)), r.worktreesWithBranch("main"));
        assertEquals(List.of(), r.worktreesWithBranch("two"));

        String old = head(repo, "one");
        String merged = r.commitTree(CommitRequest.of(r.mergeTree("one", "two").tree().orElseThrow(),
                List.of(old, head(repo, "two")), "merge two"));
        assertEquals(List.of(), r.uncommittedChangesInTheWay(wt, old, merged));
        r.updateBranch("one", merged, old);
        r.advanceWorktree(wt, old, merged);
        assertEquals("class App { int two; }\n", read(wt.resolve("src/App.java")));
        assertEquals("two\n", read(wt.resolve("docs/two.md")));
        assertEquals("?? src/Other.java\n", git(wt, "status", "--porcelain"), "index and files agree with HEAD");
        assertEquals("", git(wt, "diff", "--cached", "--name-only", merged));
    }

    @Test
    void advanceWorktreeRefusesADirtyPathTheMoveChangesAndChangesNothing() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String old = head(repo, "main");
        String target = head(repo, "two");
        TestRepos.writeFiles(repo, Map.of("src/App.java", "class App { int mine; }\n", "docs/two.md", "mine too\n",
                "README.md", "an unrelated local edit\n"));
        assertEquals(List.of("docs/two.md", "src/App.java"), r.uncommittedChangesInTheWay(repo, old, target));
        r.updateBranch("main", target, old);
        Map<String, String> before = hashesOutsideObjects();
        GitException e = assertThrows(GitException.class, () -> r.advanceWorktree(repo, old, target));
        assertTrue(e.getMessage().contains(real(repo).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("src/App.java") && e.getMessage().contains("docs/two.md"), e.getMessage());
        assertFalse(e.getMessage().contains("README.md"), e.getMessage());
        assertEquals(before, hashesOutsideObjects());
    }

    @Test
    void aStagedChangeIsInTheWayToo() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        TestRepos.writeFiles(repo, Map.of("src/App.java", "class App { int staged; }\n"));
        git(repo, "add", "src/App.java");
        TestRepos.writeFiles(repo, Map.of("src/App.java", "class App {}\n"));
        assertEquals(List.of("src/App.java"), r.uncommittedChangesInTheWay(repo, head(repo, "main"), head(repo, "two")));
    }

    @Test
    void advanceWorktreeRefusesAWorktreeWhoseHeadIsNotAtTheTargetYet() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        GitException e = assertThrows(GitException.class,
                () -> r.advanceWorktree(repo, head(repo, "one"), head(repo, "two")));
        assertTrue(e.getMessage().contains("move its branch first"), e.getMessage());
        // Before the branch moves, the worktree is not advanced either: its files would run ahead of HEAD.
        Path wt = temp.resolve("wt-one");
        git(repo, "worktree", "add", "-q", wt.toString(), "one");
        Map<String, String> before = hashesOutsideObjects();
        assertThrows(GitException.class, () -> r.advanceWorktree(wt, head(repo, "one"), head(repo, "two")));
        assertEquals(before, hashesOutsideObjects());
    }

    @Test
    void replayRebasesAChainInMemoryKeepingAuthorsAndMovingNothing() {
        Path repo = branchyRepo();
        git(repo, "checkout", "-q", "-b", "feature", "main");
        String f1 = TestRepos.commitFiles(repo, Map.of("a.txt", "a\n"), "feature adds a");
        git(repo, "commit", "-q", "--allow-empty", "--author=Ada <ada@example.org>",
                "--date=2001-02-03T04:05:06+01:00", "-m", "an empty commit by Ada");
        String f2 = head(repo, "HEAD");
        String f3 = TestRepos.commitFiles(repo, Map.of("README.md", "hello from feature\n"), "feature edits the README");
        git(repo, "checkout", "-q", "main");
        GitRepository r = open(repo);
        Map<String, String> before = hashesOutsideObjects();
        ReplayResult result = r.replay(List.of(f1, f2, f3), "two");
        assertEquals(before, hashesOutsideObjects(), "no ref, index or file changed");
        assertTrue(result.isClean(), result.toString());
        assertEquals(3, result.commits().size(), "an empty commit that was empty already is kept");
        String tip = result.tip().orElseThrow();
        assertEquals(result.commits().get(2), tip);
        assertEquals(head(repo, "two"), head(repo, result.commits().get(0) + "^"));
        assertEquals(result.commits().get(1), head(repo, tip + "^"));
        assertEquals("a\n", git(repo, "show", tip + ":a.txt"));
        assertEquals("hello from feature\n", git(repo, "show", tip + ":README.md"));
        assertEquals("two\n", git(repo, "show", tip + ":docs/two.md"));
        assertEquals("Ada <ada@example.org> 981169506 an empty commit by Ada",
                git(repo, "log", "-1", "--format=%an <%ae> %at %s", result.commits().get(1)).strip());
        assertEquals("Test User", git(repo, "log", "-1", "--format=%cn", tip).strip());
    }

    @Test
    void replayStopsAtTheFirstConflictNamingTheCommitAndPaths() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String one = head(repo, "one");
        Map<String, String> before = hashesOutsideObjects();
        ReplayResult result = r.replay(List.of(head(repo, "three~1"), head(repo, "three")), "one");
        assertFalse(result.isClean());
        assertEquals(Optional.of(head(repo, "three~1")), result.conflictingCommit());
        assertEquals(List.of("README.md"), result.conflicts());
        assertEquals(before, hashesOutsideObjects());
        assertEquals(one, head(repo, "one"));
    }

    @Test
    void replayKeepsCommitsAlreadyOnTopAndDropsOnesThatBecomeEmpty() {
        Path repo = branchyRepo();
        GitRepository r = open(repo);
        String one = head(repo, "one");
        assertEquals(ReplayResult.clean(head(repo, "main"), List.of(one)), r.replay(List.of(one), "main"));
        // main gets the very change of 'one' by another commit: replaying 'one' onto it adds nothing.
        String same = TestRepos.commitFiles(repo, Map.of("README.md", "hello from one\n"), "the same edit");
        assertEquals(ReplayResult.clean(same, List.of()), r.replay(List.of(one), "main"));
    }

    @Test
    void replayRefusesAMergeCommitOrAListThatIsNotAChain() {
        Path repo = branchyRepo();
        git(repo, "checkout", "-q", "-b", "merged", "one");
        git(repo, "merge", "-q", "--no-edit", "two");
        git(repo, "checkout", "-q", "main");
        GitRepository r = open(repo);
        GitException e = assertThrows(GitException.class, () -> r.replay(List.of(head(repo, "merged")), "main"));
        assertTrue(e.getMessage().contains("parents"), e.getMessage());
        e = assertThrows(GitException.class, () -> r.replay(List.of(head(repo, "one"), head(repo, "two")), "three"));
        assertTrue(e.getMessage().contains("chain"), e.getMessage());
    }

    /** SHA-256 of every file under the temporary folder except git's object store, by relative path. */
    protected Map<String, String> hashesOutsideObjects() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(temp)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = temp.relativize(f).toString();
                if (!rel.contains("/objects/")) {
                    out.put(rel, HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
