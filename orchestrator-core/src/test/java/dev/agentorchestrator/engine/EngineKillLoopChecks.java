package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link EngineKillLoop} checks, and what it remembers between rounds: the prompts a host
 * accepted (each must be delivered, or its session FAILED saying so), and the sessions whose
 * removal or merge began (their branches may go).
 */
final class EngineKillLoopChecks {

    /** A session as the restarted host printed it once everything settled. */
    record Stored(String name, String state, String work, List<String> pending, String worktree, String branch, String message) {
    }

    private static final String BRANCHES = "refs/heads/";

    private final Path repo;
    private final Path work;
    /** Accepted prompt text to its session, until the prompt is seen delivered (or excused). */
    private final Map<String, String> accepted = new LinkedHashMap<>();
    /** Sessions whose removal finished or began: their prompts are excused. */
    private final Set<String> removed = new HashSet<>();
    private int added;

    EngineKillLoopChecks(Path repo, Path work) {
        this.repo = repo;
        this.work = work;
    }

    int featuresAdded() {
        return added;
    }

    static Map<String, Stored> sessions(List<String> lines) {
        Map<String, Stored> out = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("SESSION\t")) {
                String[] p = line.split("\t", -1);
                out.put(p[1], new Stored(p[1], p[2], p[3], p[4].isEmpty() ? List.of() : List.of(p[4].split("\\|")), p[5], p[6], p[7]));
            }
        }
        return out;
    }

    /**
     * Reads what a killed host did; returns the sessions whose branches may be gone (a remove or a
     * merge began) and adds the removes that began and did not end to {@code unfinishedRemoves}.
     */
    Set<String> readOperations(List<String> lines, Set<String> unfinishedRemoves) {
        Set<String> vanishing = new HashSet<>();
        for (String line : lines) {
            String[] p = line.split(" ");
            if (line.startsWith("op remove ")) {
                vanishing.add(p[2]);
                removed.add(p[2]);
                unfinishedRemoves.add(p[2]);
            } else if (line.startsWith("ok remove ")) {
                unfinishedRemoves.remove(p[2]);
            } else if (line.startsWith("op merge ")) {
                vanishing.add(p[2]);
            } else if (line.startsWith("accepted ")) {
                accepted.put(p[2], p[1]);
            } else if (line.startsWith("ok add ")) {
                added++;
            }
        }
        return vanishing;
    }

    /**
     * Checks the repository once a restarted host has recovered and settled: branches and commits
     * kept, fsck, no leftovers, worktrees matching the records, prompts delivered.
     */
    void afterRecovery(Map<String, String> atKill, Map<String, Stored> sessions, Set<String> removesFinished, String when) {
        Map<String, String> now = TestRepos.refs(repo);
        Set<String> rolledBack = new HashSet<>();
        for (Map.Entry<String, String> e : atKill.entrySet()) {
            String ref = e.getKey();
            // A create the kill interrupted is rolled back: its branch, still at its base commit and checked out nowhere, goes.
            if (!now.containsKey(ref) && ref.startsWith(BRANCHES + "feature/") && e.getValue().equals(atKill.get(BRANCHES + "main"))) {
                Stored s = sessions.get(ref.substring((BRANCHES + "feature/").length()));
                if (s == null || s.worktree().equals("-") || !Files.isDirectory(Path.of(s.worktree()))) {
                    rolledBack.add(ref.substring((BRANCHES + "feature/").length()));
                }
            }
        }
        Set<String> vanishing = new HashSet<>(removesFinished);
        vanishing.addAll(rolledBack);
        branchesKept(atKill, now, vanishing, "over the recovery " + when);

        TestRepos.Result fsck = TestRepos.tryGit(repo, "fsck", "--full", "--no-progress");
        assertEquals(0, fsck.exitCode(), "git fsck --full " + when + ":\n" + fsck.output());
        List<String> journals = EngineKillLoop.list(repo.resolve(".git/agent-orchestrator")).stream()
                .filter(n -> n.startsWith("creating-") || n.startsWith("removing-")).toList();
        assertEquals(List.of(), journals, "journals or staged folders left " + when);
        List<String> hidden = EngineKillLoop.list(EngineKillLoop.worktreesFolder(repo)).stream().filter(n -> n.startsWith(".")).toList();
        assertEquals(List.of(), hidden, "staging, trash or merge-test folders left beside the worktrees " + when);
        worktreesMatchRecords(sessions, when);
        promptsDelivered(sessions, when);
    }

    /** Every branch of {@code before} still exists and holds what it held, but those of {@code vanishing} sessions. */
    void branchesKept(Map<String, String> before, Map<String, String> after, Set<String> vanishing, String when) {
        for (Map.Entry<String, String> e : before.entrySet()) {
            String ref = e.getKey();
            if (ref.startsWith(BRANCHES + "agent-orchestrator/")) {
                continue; // the merge queue's temporary branches: worktreesMatchRecords finds any left checked out
            }
            if (ref.startsWith(BRANCHES + "feature/") && vanishing.contains(ref.substring((BRANCHES + "feature/").length()))) {
                continue;
            }
            String tip = after.get(ref);
            assertTrue(tip != null, ref + " (at " + e.getValue() + ") is kept " + when);
            assertEquals(0, TestRepos.tryGit(repo, "merge-base", "--is-ancestor", e.getValue(), tip).exitCode(),
                    ref + " moved from " + e.getValue() + " to " + tip + ", losing commits, " + when);
        }
    }

    private void worktreesMatchRecords(Map<String, Stored> sessions, String when) {
        Map<Path, String> listed = new LinkedHashMap<>();
        String[] records = TestRepos.git(repo, "worktree", "list", "--porcelain").split("\n\n");
        for (int i = 1; i < records.length; i++) {
            Path path = null;
            String branch = "(detached)";
            for (String line : records[i].split("\n")) {
                if (line.startsWith("worktree ")) {
                    path = real(Path.of(line.substring(9)));
                } else if (line.startsWith("branch " + BRANCHES)) {
                    branch = line.substring(7 + BRANCHES.length());
                } else if (line.startsWith("locked") || line.startsWith("prunable")) {
                    fail("a worktree is left " + line + " " + when + ":\n" + records[i]);
                }
            }
            listed.put(path, branch);
        }
        Map<Path, String> stored = new LinkedHashMap<>();
        for (Stored s : sessions.values()) {
            if (s.worktree().equals("-")) {
                continue;
            }
            Path path = real(Path.of(s.worktree()));
            if (s.state().equals("MERGED") && !listed.containsKey(path)) {
                continue; // a merge removes the worktree and leaves the record's path as it was
            }
            assertTrue(listed.containsKey(path), "session " + s + " points at a worktree git does not list " + when);
            assertEquals(s.branch(), listed.get(path), "the branch checked out in " + path + " " + when);
            stored.put(path, s.name());
        }
        for (Path path : listed.keySet()) {
            assertTrue(stored.containsKey(path), "the worktree " + path + " (" + listed.get(path)
                    + ") belongs to no session " + when);
        }
    }

    private void promptsDelivered(Map<String, Stored> sessions, String when) {
        String delivered = read(work.resolve("delivered.txt"));
        String transcripts = transcripts();
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, String> e : new ArrayList<>(accepted.entrySet())) {
            String text = e.getKey();
            Stored s = sessions.get(e.getValue());
            boolean ok = delivered.contains(text + "\n") || transcripts.contains("follow-up: " + text)
                    || removed.contains(e.getValue()) && s == null
                    || s != null && s.state().equals("FAILED") && s.message().contains("not delivered");
            if (ok) {
                accepted.remove(text);
            } else {
                lost.add(text + " to " + (s == null ? e.getValue() + " (no session)" : s));
            }
        }
        assertEquals(List.of(), lost, "accepted prompts neither delivered, nor pending, nor failed with the reason " + when);
    }

    private String transcripts() {
        Path logs = repo.resolve(".git/agent-orchestrator/logs");
        StringBuilder all = new StringBuilder();
        for (String name : EngineKillLoop.list(logs)) {
            all.append(read(logs.resolve(name))).append('\n');
        }
        return all.toString();
    }


    private static Path real(Path path) {
        try {
            return Files.exists(path) ? path.toRealPath() : path.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
