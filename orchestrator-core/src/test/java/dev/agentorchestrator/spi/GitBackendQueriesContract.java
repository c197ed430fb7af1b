package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reading half of the {@link GitBackendContract}: opening a repository, branches, revisions
 * and the diff questions (divergence, changed files, uncommitted changes, line counts).
 */
public abstract class GitBackendQueriesContract extends GitBackendContractSupport {

    @Test
    void openReturnsTheMainWorkTreeAndTheCommonDir() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        assertEquals(real(repo), r.workTree());
        assertEquals(real(repo.resolve(".git")), r.commonDir());
    }

    @Test
    void openFromASubfolderFindsTheSameRepository() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo.resolve("src"));
        assertEquals(real(repo), r.workTree());
        assertEquals(real(repo.resolve(".git")), r.commonDir());
    }

    @Test
    void openFromInsideALinkedWorktreeReturnsTheMainRepository() {
        Path repo = newRepo("repo");
        Path linked = temp.resolve("linked");
        git(repo, "worktree", "add", "-q", "-b", "side", linked.toString());
        for (Path dir : List.of(linked, linked.resolve("src"))) {
            GitRepository r = open(dir);
            assertEquals(real(repo), r.workTree(), "workTree opened from " + dir);
            assertEquals(real(repo.resolve(".git")), r.commonDir(), "commonDir opened from " + dir);
            assertEquals(Optional.of("main"), r.currentBranch(), "currentBranch is the main worktree's");
        }
    }

    @Test
    void openOnAFolderOutsideAnyRepositoryThrowsNamingTheFolder() throws IOException {
        Path plain = Files.createDirectories(temp.resolve("plain folder"));
        GitException e = assertThrows(GitException.class, () -> open(plain));
        assertTrue(e.getMessage().contains(plain.toString()) || e.getMessage().contains(real(plain).toString()),
                "message names the folder: " + e.getMessage());
        assertEquals(List.of(), TestRepos.tree(plain), "open wrote nothing into the folder");
    }

    @Test
    void openOnAMissingFolderThrowsNamingIt() {
        Path missing = temp.resolve("missing");
        GitException e = assertThrows(GitException.class, () -> open(missing));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(Files.exists(missing), "open created nothing");
    }

    @Test
    void openOnABareRepositoryThrows() {
        Path bare = temp.resolve("bare.git");
        TestRepos.git(temp, "init", "-q", "--bare", bare.toString());
        assertThrows(GitException.class, () -> open(bare));
    }

    @Test
    void currentBranchFollowsTheMainWorktreeAndIsEmptyWhenDetached() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        assertEquals(Optional.of("main"), r.currentBranch());
        git(repo, "checkout", "-q", "-b", "other/branch");
        assertEquals(Optional.of("other/branch"), r.currentBranch());
        git(repo, "checkout", "-q", "--detach");
        assertEquals(Optional.empty(), r.currentBranch());
    }

    @Test
    void branchExistsOnlyForLocalBranches() {
        Path repo = newRepo("repo");
        git(repo, "branch", "side");
        git(repo, "tag", "v1");
        GitRepository r = open(repo);
        assertTrue(r.branchExists("main"));
        assertTrue(r.branchExists("side"));
        assertFalse(r.branchExists("mai"));
        assertFalse(r.branchExists("v1"), "a tag is not a branch");
        assertFalse(r.branchExists("nope"));
    }

    @Test
    void branchesStartingWithListsLocalBranchesByNamePrefixSorted() {
        Path repo = newRepo("repo");
        for (String b : List.of("tool/merge-test-2", "tool/merge-test-1", "tool/merge-testing", "tool/other", "toolbox", "side")) {
            git(repo, "branch", b);
        }
        git(repo, "tag", "tool/merge-test-tag");
        GitRepository r = open(repo);
        assertEquals(List.of("tool/merge-test-1", "tool/merge-test-2"), r.branchesStartingWith("tool/merge-test-"));
        assertEquals(List.of("tool/merge-test-1", "tool/merge-test-2", "tool/merge-testing", "tool/other", "toolbox"),
                r.branchesStartingWith("tool"), "a prefix need not end at a slash");
        assertEquals(List.of(), r.branchesStartingWith("nothing/"));
        assertTrue(r.branchesStartingWith("").containsAll(List.of("main", "side", "toolbox")), "the empty prefix lists all");
    }

    @Test
    void resolveReturnsTheFullCommitIdOfBranchesTagsAndIds() {
        Path repo = newRepo("repo");
        String first = head(repo, "HEAD");
        git(repo, "tag", "-a", "-m", "annotated", "v1");
        String second = TestRepos.commitFiles(repo, Map.of("more.txt", "more\n"), "second");
        GitRepository r = open(repo);
        assertEquals(Optional.of(second), r.resolve("main"));
        assertEquals(Optional.of(second), r.resolve("HEAD"));
        assertEquals(Optional.of(first), r.resolve("v1"), "an annotated tag resolves to its commit");
        assertEquals(Optional.of(first), r.resolve(first.substring(0, 10)));
        assertEquals(Optional.of(first), r.resolve("main~1"));
        assertEquals(Optional.empty(), r.resolve("nope"));
        assertEquals(Optional.empty(), r.resolve("0123456789abcdef0123456789abcdef01234567"));
    }

    @Test
    void divergenceCountsCommitsOnBothSidesOfTheMergeBase() {
        Path repo = newRepo("repo");
        git(repo, "checkout", "-q", "-b", "side");
        TestRepos.commitFiles(repo, Map.of("s1.txt", "1\n"), "side 1");
        TestRepos.commitFiles(repo, Map.of("s2.txt", "2\n"), "side 2");
        git(repo, "checkout", "-q", "main");
        TestRepos.commitFiles(repo, Map.of("m1.txt", "1\n"), "main 1");
        GitRepository r = open(repo);
        assertEquals(new Divergence(2, 1), r.divergence("side", "main"));
        assertEquals(new Divergence(1, 2), r.divergence("main", "side"));
        assertEquals(new Divergence(0, 0), r.divergence("main", "main"));
    }

    @Test
    void divergenceOfAnUnknownBranchThrowsNamingIt() {
        GitRepository r = open(newRepo("repo"));
        GitException e = assertThrows(GitException.class, () -> r.divergence("no-such-branch", "main"));
        assertTrue(e.getMessage().contains("no-such-branch"), e.getMessage());
        e = assertThrows(GitException.class, () -> r.divergence("main", "no-such-base"));
        assertTrue(e.getMessage().contains("no-such-base"), e.getMessage());
    }

    @Test
    void changedFilesComparesWithTheMergeBaseAndDetectsRenames() {
        String guide = "A guide long enough for rename detection.\n".repeat(20);
        Path repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "hello\n",
                "old.txt", "old\n", "docs/guide.md", guide, "src/App.java", "class App {}\n"));
        git(repo, "checkout", "-q", "-b", "side");
        TestRepos.writeFiles(repo, Map.of("README.md", "hello again\n", "new.txt", "new\n"));
        git(repo, "rm", "-q", "old.txt");
        git(repo, "mv", "docs/guide.md", "docs/manual.md");
        TestRepos.commitFiles(repo, Map.of(), "work on side");
        git(repo, "checkout", "-q", "main");
        TestRepos.commitFiles(repo, Map.of("src/App.java", "class App { int x; }\n"), "base moves on");
        GitRepository r = open(repo);
        assertEquals(Set.of(
                ChangedFile.of("README.md", ChangedFile.Kind.MODIFIED),
                ChangedFile.of("new.txt", ChangedFile.Kind.ADDED),
                ChangedFile.of("old.txt", ChangedFile.Kind.DELETED),
                ChangedFile.renamed("docs/guide.md", "docs/manual.md")), new HashSet<>(r.changedFiles("side", "main")));
        assertEquals(List.of(), r.changedFiles("main", "main"));
        assertEquals(List.of(ChangedFile.of("src/App.java", ChangedFile.Kind.MODIFIED)), r.changedFiles("main", "side"));
    }

    @Test
    void uncommittedChangesListsStagedUnstagedAndUntrackedFilesButNotIgnoredOnes() {
        String moved = "content that moves to a new name.\n".repeat(20);
        Path repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "hello\n", "gone.txt", "x\n",
                "moved.txt", moved, ".gitignore", "*.log\n"));
        GitRepository r = open(repo);
        assertEquals(List.of(), r.uncommittedChanges(repo));
        assertFalse(r.isDirty(repo));

        TestRepos.writeFiles(repo, Map.of("README.md", "changed\n", "staged.txt", "s\n",
                "dir/nested/untracked.txt", "u\n", "debug.log", "ignored\n"));
        git(repo, "add", "staged.txt");
        git(repo, "rm", "-q", "gone.txt");
        git(repo, "mv", "moved.txt", "renamed.txt");
        assertEquals(Set.of(
                ChangedFile.of("README.md", ChangedFile.Kind.MODIFIED),
                ChangedFile.of("staged.txt", ChangedFile.Kind.ADDED),
                ChangedFile.of("dir/nested/untracked.txt", ChangedFile.Kind.ADDED),
                ChangedFile.of("gone.txt", ChangedFile.Kind.DELETED),
                ChangedFile.renamed("moved.txt", "renamed.txt")), new HashSet<>(r.uncommittedChanges(repo)));
        assertTrue(r.isDirty(repo));
    }

    @Test
    void uncommittedChangesAreReadPerWorktree() {
        Path repo = newRepo("repo");
        Path linked = temp.resolve("linked");
        git(repo, "worktree", "add", "-q", "-b", "side", linked.toString());
        TestRepos.writeFiles(linked, Map.of("only-in-linked.txt", "x\n"));
        GitRepository r = open(repo);
        assertEquals(List.of(ChangedFile.of("only-in-linked.txt", ChangedFile.Kind.ADDED)), r.uncommittedChanges(linked));
        assertTrue(r.isDirty(linked));
        assertEquals(List.of(), r.uncommittedChanges(repo));
        assertFalse(r.isDirty(repo));
    }

    @Test
    void diffStatCountsLinesAndCountsBinaryFilesWithoutLines() throws IOException {
        Path repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("text.txt", "a\nb\nc\n"));
        git(repo, "checkout", "-q", "-b", "side");
        TestRepos.writeFiles(repo, Map.of("text.txt", "a\nB\nc\nd\n", "new.txt", "1\n2\n3\n"));
        Files.write(repo.resolve("image.bin"), new byte[] {0, 1, 2, 0, (byte) 0xff, 10, 0, 42});
        TestRepos.commitFiles(repo, Map.of(), "side");
        GitRepository r = open(repo);
        assertEquals(new DiffStat(3, 5, 1), r.diffStat("side", "main"));
        assertEquals(DiffStat.EMPTY, r.diffStat("main", "side"));
    }

    @Test
    void pathsWithSpacesNonAsciiLettersAndNewlinesComeBackExactly() {
        Path repo = newRepo("repo");
        List<String> names = List.of("with space.txt", "caf\u00e9/na\u00efve \u00fc.txt", "new\nline.txt", "tab\tname.txt",
                "\u4e2d\u6587.md");
        git(repo, "checkout", "-q", "-b", "side");
        for (String name : names) {
            TestRepos.writeFiles(repo, Map.of(name, "x\n"));
        }
        TestRepos.commitFiles(repo, Map.of(), "odd names");
        GitRepository r = open(repo);
        Set<ChangedFile> added = new HashSet<>();
        names.forEach(n -> added.add(ChangedFile.of(n, ChangedFile.Kind.ADDED)));
        assertEquals(added, new HashSet<>(r.changedFiles("side", "main")));
        assertEquals(new DiffStat(names.size(), names.size(), 0), r.diffStat("side", "main"));

        for (String name : names) {
            TestRepos.writeFiles(repo, Map.of(name, "y\n", "untracked " + name.replace('/', '-'), "u\n"));
        }
        Set<ChangedFile> changed = new HashSet<>();
        names.forEach(n -> changed.add(ChangedFile.of(n, ChangedFile.Kind.MODIFIED)));
        names.forEach(n -> changed.add(ChangedFile.of("untracked " + n.replace('/', '-'), ChangedFile.Kind.ADDED)));
        assertEquals(changed, new HashSet<>(r.uncommittedChanges(repo)));
    }

    @Test
    void commitAllCommitsEveryChangeOfALinkedWorktreeOnItsBranchButNotIgnoredFiles() {
        Path repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "hello\n", "gone.txt", "x\n",
                ".gitignore", "*.log\n"));
        GitRepository r = open(repo);
        Path wt = r.createWorktree(request(repo, "commit-all", "HEAD")).path();
        TestRepos.writeFiles(wt, Map.of("README.md", "changed\n", "new/file.txt", "n\n", "debug.log", "ignored\n"));
        git(wt, "rm", "-q", "gone.txt");
        String before = head(repo, "feature/commit-all");
        String commit = r.commitAll(wt, "all of it");
        assertEquals(head(repo, "feature/commit-all"), commit, "the branch moved to the new commit");
        assertEquals(before, head(repo, "feature/commit-all~1"));
        assertEquals("all of it", git(repo, "log", "-1", "--format=%s", "feature/commit-all").trim());
        assertTrue(r.uncommittedChanges(wt).isEmpty(), "nothing is left but the ignored file: " + r.uncommittedChanges(wt));
        assertEquals(Set.of("M\tREADME.md", "A\tnew/file.txt", "D\tgone.txt"), Set.of(git(repo, "diff", "--name-status",
                "feature/commit-all~1", "feature/commit-all").trim().split("\n")));
        assertTrue(Files.exists(wt.resolve("debug.log")), "the ignored file stays, uncommitted");
    }
}
