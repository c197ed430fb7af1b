package dev.agentorchestrator.jgit;

import static dev.agentorchestrator.testing.TestRepos.git;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.internal.git.WorktreeIds;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.WorktreeRequest;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worktrees made by the JGit backend are used by the C {@code git} binary, and the other way
 * round: listing, status, commits, locks, removal and pruning agree in both directions.
 */
class JGitInteropTest {

    @TempDir
    Path temp;

    private Path repoDir;
    private GitRepository repo;

    @BeforeEach
    void setUp() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "# interop\n");
        files.put("src/main/App.java", "class App {}\n");
        files.put("src/main/deep/er/Deep.java", "class Deep {}\n");
        files.put("a.txt", "before a/\n");
        files.put("a/b.txt", "after a.txt\n");
        files.put("run.sh", "#!/bin/sh\necho hi\n");
        files.put("windows.bat", "echo one\necho two\n");
        files.put(".gitattributes", "*.bat text eol=crlf\n");
        repoDir = TestRepos.empty(temp.resolve("repo"));
        TestRepos.writeFiles(repoDir, files);
        Files.setPosixFilePermissions(repoDir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(repoDir.resolve("link-to-readme"), Path.of("README.md"));
        git(repoDir, "add", "-A");
        git(repoDir, "commit", "-q", "-m", "initial");
        repo = new JGitBackend().open(repoDir);
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    private static String porcelain(Path dir) {
        return git(dir, "worktree", "list", "--porcelain");
    }

    private Worktree create(Path folder, String branch) {
        return repo.createWorktree(new WorktreeRequest(folder, branch, "main"));
    }

    @Test
    void aWorktreeMadeByJGitIsListedCleanCommittableAndRemovableByGit() throws IOException {
        Path folder = temp.resolve("wt-a");
        Worktree wt = create(folder, "feature/a");

        assertEquals(folder.toRealPath(), wt.path());
        assertEquals("wt-a", wt.id());
        assertEquals(Optional.of("feature/a"), wt.branch());
        String head = git(repoDir, "rev-parse", "main").trim();
        assertTrue(porcelain(repoDir).contains("worktree " + wt.path() + "\nHEAD " + head
                + "\nbranch refs/heads/feature/a\n"), porcelain(repoDir));

        // Clean for git, and clean from the stat data alone: diff-files does not re-read contents,
        // so it would list every file whose inode, owner or times the index got wrong.
        assertEquals("", git(folder, "status", "--porcelain"));
        assertEquals("", git(folder, "diff-files", "--name-only"));
        assertTrue(Files.isExecutable(folder.resolve("run.sh")));
        assertTrue(Files.isSymbolicLink(folder.resolve("link-to-readme")));
        assertEquals("echo one\r\necho two\r\n", Files.readString(folder.resolve("windows.bat")));
        assertEquals(List.of(), repo.uncommittedChanges(folder));

        TestRepos.commitFiles(folder, Map.of("new.txt", "made by git\n"), "commit in the worktree");
        String tip = git(folder, "rev-parse", "HEAD").trim();
        assertEquals(Optional.of(tip), repo.resolve("feature/a"));
        assertEquals(Optional.of(tip), repo.findWorktree(folder).orElseThrow().head());
        assertEquals(List.of(ChangedFile.of("new.txt", ChangedFile.Kind.ADDED)), repo.changedFiles("feature/a", "main"));
        assertEquals(List.of(), repo.uncommittedChanges(folder));

        git(repoDir, "worktree", "remove", folder.toString());
        assertFalse(Files.exists(folder));
        assertEquals(1, repo.listWorktrees().size());
        assertTrue(repo.branchExists("feature/a"));
    }

    @Test
    void aWorktreeMadeByGitIsListedReadAndRemovedByJGit() throws IOException {
        Path folder = temp.resolve("by-git");
        git(repoDir, "worktree", "add", "-q", "-b", "feature/g", folder.toString(), "main");

        Worktree wt = repo.findWorktree(folder).orElseThrow();
        assertEquals("by-git", wt.id());
        assertEquals(Optional.of("feature/g"), wt.branch());
        assertEquals(Optional.of(git(repoDir, "rev-parse", "main").trim()), wt.head());
        assertFalse(wt.main() || wt.locked() || wt.prunable());
        assertEquals(List.of(), repo.uncommittedChanges(folder));

        Files.writeString(folder.resolve("README.md"), "changed\n");
        Files.writeString(folder.resolve("untracked.txt"), "new\n");
        assertEquals(List.of(ChangedFile.of("README.md", ChangedFile.Kind.MODIFIED),
                ChangedFile.of("untracked.txt", ChangedFile.Kind.ADDED)), repo.uncommittedChanges(folder));
        GitException dirty = assertThrows(GitException.class, () -> repo.removeWorktree(folder, false));
        assertTrue(dirty.getMessage().contains("uncommitted"), dirty.getMessage());
        assertTrue(Files.exists(folder.resolve("untracked.txt")));

        repo.removeWorktree(folder, true);
        assertFalse(Files.exists(folder));
        assertFalse(porcelain(repoDir).contains("by-git"));
        assertEquals("", git(repoDir, "worktree", "prune", "--dry-run", "--verbose"));
        assertFalse(Files.exists(repoDir.resolve(".git/worktrees")));
    }

    @Test
    void sameBaseNameInDifferentFoldersGetsNumberedIdsLikeGit() throws IOException {
        Worktree first = create(temp.resolve("one/x"), "feature/x");
        Worktree second = create(temp.resolve("two/x"), "feature/x2");
        git(repoDir, "worktree", "add", "-q", "-b", "feature/x3", temp.resolve("three/x").toString(), "main");
        Worktree third = repo.findWorktree(temp.resolve("three/x")).orElseThrow();

        assertEquals(List.of("x", "x1", "x2"), List.of(first.id(), second.id(), third.id()));
        String listed = porcelain(repoDir);
        assertTrue(listed.contains("worktree " + first.path() + "\n"), listed);
        assertTrue(listed.contains("worktree " + second.path() + "\n"), listed);
        assertEquals("", git(second.path(), "status", "--porcelain"));
        assertEquals(second.path().resolve(".git").toString(),
                Files.readString(repoDir.resolve(".git/worktrees/x1/gitdir")).strip());
        assertEquals("gitdir: " + repoDir.toRealPath().resolve(".git/worktrees/x1"),
                Files.readString(second.path().resolve(".git")).strip());
        assertEquals("../..", Files.readString(repoDir.resolve(".git/worktrees/x1/commondir")).strip());
        assertEquals("ref: refs/heads/feature/x2", Files.readString(repoDir.resolve(".git/worktrees/x1/HEAD")).strip());
        assertFalse(Files.exists(repoDir.resolve(".git/worktrees/x1/locked")));
    }

    @Test
    void concurrentCreatesWithOneBaseNameEachGetTheirOwnId() throws Exception {
        int n = 4;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Worktree>> made = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path folder = temp.resolve("parallel" + i).resolve("same");
                String branch = "feature/same" + i;
                made.add(pool.submit(() -> {
                    start.await();
                    return create(folder, branch);
                }));
            }
            start.countDown();
            Set<String> ids = new TreeSet<>();
            for (Future<Worktree> f : made) {
                Worktree wt = f.get(2, TimeUnit.MINUTES);
                ids.add(wt.id());
                assertEquals("", git(wt.path(), "status", "--porcelain"));
            }
            assertEquals(Set.of("same", "same1", "same2", "same3"), ids);
            assertEquals(n + 1, repo.listWorktrees().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listOrderMatchesGitPorcelain() {
        create(temp.resolve("zz"), "feature/zz");
        create(temp.resolve("aa"), "feature/aa");
        git(repoDir, "worktree", "add", "-q", "-b", "feature/mm", temp.resolve("mm").toString(), "main");
        List<String> ours = repo.listWorktrees().stream().map(w -> w.path().toString()).toList();
        List<String> gits = porcelain(repoDir).lines().filter(l -> l.startsWith("worktree "))
                .map(l -> l.substring("worktree ".length())).toList();
        assertEquals(gits, ours);
    }

    @Test
    void aRepositoryWithoutCommitsGetsAClearError() {
        Path empty = TestRepos.empty(temp.resolve("empty"));
        try (GitRepository emptyRepo = new JGitBackend().open(empty)) {
            GitException e = assertThrows(GitException.class,
                    () -> emptyRepo.createWorktree(new WorktreeRequest(temp.resolve("e"), "feature/e", "main")));
            assertTrue(e.getMessage().contains("no commits"), e.getMessage());
            assertFalse(Files.exists(temp.resolve("e")));
            assertFalse(Files.exists(empty.resolve(".git/worktrees")));
            assertEquals(Optional.of("main"), emptyRepo.currentBranch());
            assertEquals(Optional.empty(), emptyRepo.listWorktrees().get(0).head());
        }
    }

    @Test
    void aBaseThatDoesNotExistIsNamedAndNothingIsWritten() {
        GitException e = assertThrows(GitException.class,
                () -> repo.createWorktree(new WorktreeRequest(temp.resolve("n"), "feature/n", "no-such-base")));
        assertTrue(e.getMessage().contains("'no-such-base'"), e.getMessage());
        assertFalse(repo.branchExists("feature/n"));
        assertFalse(Files.exists(temp.resolve("n")));
    }

    @Test
    void aDetachedMainWorktreeAndADetachedLinkedWorktreeAreReadAsDetached() {
        git(repoDir, "checkout", "-q", "--detach");
        Worktree main = repo.listWorktrees().get(0);
        assertTrue(main.main() && main.detached(), main.toString());
        assertEquals(Optional.empty(), repo.currentBranch());

        Worktree fromHead = repo.createWorktree(new WorktreeRequest(temp.resolve("from-head"), "feature/h", "HEAD"));
        assertEquals(main.head(), fromHead.head());
        assertEquals("", git(fromHead.path(), "status", "--porcelain"));

        git(repoDir, "worktree", "add", "-q", "--detach", temp.resolve("det").toString(), "main");
        Worktree detached = repo.findWorktree(temp.resolve("det")).orElseThrow();
        assertTrue(detached.detached(), detached.toString());
    }

    @Test
    void aFolderDeletedByHandIsPrunableForBothAndPrunedByJGit() throws IOException {
        Worktree gone = create(temp.resolve("gone"), "feature/gone");
        Worktree kept = create(temp.resolve("kept"), "feature/kept");
        repo.lockWorktree(kept.path(), "on a removable disk");
        FileOps.deleteRecursively(gone.path());
        FileOps.deleteRecursively(kept.path());

        assertTrue(repo.findWorktree(gone.path()).orElseThrow().prunable());
        Worktree locked = repo.findWorktree(kept.path()).orElseThrow();
        assertTrue(locked.locked() && !locked.prunable());
        assertEquals(Optional.of("on a removable disk"), locked.lockReason());
        String listed = porcelain(repoDir);
        assertTrue(listed.contains("worktree " + gone.path() + "\nHEAD "), listed);
        assertTrue(listed.contains("prunable gitdir file points to non-existent location"), listed);
        assertTrue(listed.contains("locked on a removable disk"), listed);

        assertEquals(List.of(gone.path()), repo.pruneWorktrees());
        assertFalse(porcelain(repoDir).contains(gone.path().toString()));
        assertTrue(repo.findWorktree(kept.path()).isPresent());
        assertTrue(repo.branchExists("feature/gone"));
    }

    @Test
    void locksAreSharedWithGit() {
        Worktree wt = create(temp.resolve("locked"), "feature/locked");
        repo.lockWorktree(wt.path(), "agent running");
        TestRepos.Result refused = TestRepos.tryGit(repoDir, "worktree", "remove", wt.path().toString());
        assertTrue(refused.exitCode() != 0 && refused.output().contains("agent running"), refused.output());
        assertThrows(GitException.class, () -> repo.removeWorktree(wt.path(), false));
        repo.unlockWorktree(wt.path());

        git(repoDir, "worktree", "lock", "--reason", "by git", wt.path().toString());
        assertEquals(Optional.of("by git"), repo.findWorktree(wt.path()).orElseThrow().lockReason());
        repo.removeWorktree(wt.path(), true);
        assertFalse(Files.exists(wt.path()));
    }

    @Test
    void pathsWithSpacesAndNonAsciiLettersWork() throws IOException {
        Path folder = temp.resolve("with spaces/wörk träd");
        Worktree wt = create(folder, "feature/umlaut");
        assertEquals("wörk-träd", wt.id());
        assertEquals(folder.toRealPath(), wt.path());
        assertTrue(porcelain(repoDir).contains("worktree " + wt.path() + "\n"));
        assertEquals("", git(folder, "status", "--porcelain"));
        assertEquals("", git(folder, "diff-files", "--name-only"));
        git(repoDir, "worktree", "remove", folder.toString());
        assertFalse(Files.exists(folder));
    }

    @Test
    void theMainWorktreesUncommittedChangesAreLeftAlone() throws IOException {
        Files.writeString(repoDir.resolve("README.md"), "edited in main\n");
        Files.writeString(repoDir.resolve("scratch.txt"), "untracked in main\n");
        git(repoDir, "add", "README.md");
        Files.writeString(repoDir.resolve("a.txt"), "unstaged in main\n");
        String statusBefore = git(repoDir, "status", "--porcelain");
        byte[] indexBefore = Files.readAllBytes(repoDir.resolve(".git/index"));

        Worktree wt = create(temp.resolve("clean"), "feature/clean");

        assertEquals(statusBefore, git(repoDir, "status", "--porcelain"));
        assertTrue(Arrays.equals(indexBefore, Files.readAllBytes(repoDir.resolve(".git/index"))));
        assertEquals("# interop\n", Files.readString(wt.path().resolve("README.md")));
        assertFalse(Files.exists(wt.path().resolve("scratch.txt")));
        assertEquals("", git(wt.path(), "status", "--porcelain"));
    }

    @Test
    void aFailureMidwayLeavesNothingBehind() throws IOException {
        // Remove one blob from the object store so that the checkout fails after the
        // administrative files and the branch were written.
        String blob = git(repoDir, "rev-parse", "main:src/main/deep/er/Deep.java").trim();
        Files.delete(repoDir.resolve(".git/objects").resolve(blob.substring(0, 2)).resolve(blob.substring(2)));
        Files.createDirectories(temp.resolve("pre-existing-empty"));

        assertThrows(GitException.class, () -> create(temp.resolve("pre-existing-empty"), "feature/broken"));

        assertFalse(repo.branchExists("feature/broken"));
        assertEquals(List.of(), TestRepos.tree(temp.resolve("pre-existing-empty")));
        assertFalse(Files.exists(repoDir.resolve(".git/worktrees/pre-existing-empty")));
        assertEquals(1, repo.listWorktrees().size());
        assertFalse(porcelain(repoDir).contains("pre-existing-empty"));
    }

    @Test
    void idsAreSanitisedLikeGit() {
        assertEquals("a-b", WorktreeIds.sanitize("a b"));
        assertEquals("-hidden", WorktreeIds.sanitize(".hidden"));
        assertEquals("x.y", WorktreeIds.sanitize("x..y"));
        assertEquals("name", WorktreeIds.sanitize("name.lock"));
        assertEquals("a-b-c-d", WorktreeIds.sanitize("a:b?c[d"));
        assertEquals("at@-x}", WorktreeIds.sanitize("at@{x}"));
        assertEquals("日本語", WorktreeIds.sanitize("日本語"));
    }

    @Test
    void gitAgreesWithOurSanitisedIds() throws IOException {
        for (String name : List.of("a b", ".hidden", "x..y", "q:r", "at@{x}")) {
            Path folder = temp.resolve("by-git-ids").resolve(name);
            git(repoDir, "worktree", "add", "-q", "--detach", folder.toString(), "main");
            String id = repo.findWorktree(folder).orElseThrow().id();
            assertEquals(WorktreeIds.sanitize(name), id, name);
        }
        assertEquals(new String(Files.readAllBytes(repoDir.resolve(".git/worktrees/a-b/gitdir")), StandardCharsets.UTF_8)
                .strip(), temp.resolve("by-git-ids/a b/.git").toRealPath().toString());
    }
}
