package dev.agentorchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Repositories of many files for crash tests, so that making a worktree takes long enough to be
 * interrupted part-way: text files of source-like sizes in nested folders, committed once on
 * {@code main} with the git binary. A fixed seed makes the same repository every time.
 */
public final class GeneratedRepos {

    private static final String[] WORDS = {"final", "class", "return", "private", "static", "void", "int",
        "String", "new", "import", "public", "if", "else", "for", "value", "worktree", "branch", "{", "}", ";"};

    private GeneratedRepos() {
    }

    /** A repository in {@code dir} with {@code files} files on {@code main}, one commit, packed. */
    public static Path generate(Path dir, int files, long seed) {
        TestRepos.empty(dir);
        Random random = new Random(seed);
        try {
            for (int i = 0; i < files; i++) {
                String folder = "module" + i / 1000 + "/src/pkg" + (i / 100) % 10 + (i % 4 == 0 ? "" : "/sub" + (i / 20) % 5);
                Path file = dir.resolve(folder).resolve("File" + i + ".java");
                Files.createDirectories(file.getParent());
                Files.write(file, text(40 + random.nextInt(4000), random));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestRepos.git(dir, "add", "-A");
        TestRepos.git(dir, "commit", "-q", "-m", "generated " + files + " files");
        TestRepos.git(dir, "repack", "-adq");
        TestRepos.git(dir, "prune");
        return dir;
    }

    private static byte[] text(int size, Random random) {
        StringBuilder out = new StringBuilder(size + 16);
        int column = 0;
        while (out.length() < size) {
            String word = WORDS[random.nextInt(WORDS.length)];
            out.append(word);
            column += word.length() + 1;
            if (column > 70) {
                out.append('\n');
                column = 0;
            } else {
                out.append(' ');
            }
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
