package dev.agentorchestrator.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Generates the benchmark's repository: about {@code files} text files of source-like sizes in
 * nested folders, committed once with the {@code git} binary and packed, as a fresh clone is.
 * A fixed seed makes every run generate the same repository.
 */
final class BenchmarkRepository {

    private static final String[] WORDS = {"final", "class", "return", "private", "static", "void", "int",
        "String", "new", "this", "import", "public", "if", "else", "for", "while", "value", "result", "List",
        "Map", "worktree", "branch", "commit", "merge", "session", "agent", "{", "}", "(", ")", ";", "=", "+"};
    private static final String[] EXTENSIONS = {".java", ".java", ".java", ".kt", ".md", ".json", ".xml", ".txt"};

    private BenchmarkRepository() {
    }

    /** Writes and commits the repository in {@code dir}; returns the total size of the files in bytes. */
    static long generate(Path dir, int files, long seed) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(dir, "git", "init", "-q", "-b", "main");
        Random random = new Random(seed);
        long total = 0;
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve(folderFor(i, random)).resolve("File" + i + EXTENSIONS[random.nextInt(EXTENSIONS.length)]);
            Files.createDirectories(file.getParent());
            byte[] content = text(size(random), random);
            Files.write(file, content);
            total += content.length;
        }
        run(dir, "git", "add", "-A");
        run(dir, "git", "-c", "user.name=Benchmark", "-c", "user.email=bench@example.invalid",
                "-c", "commit.gpgsign=false", "commit", "-q", "-m", "generated " + files + " files");
        run(dir, "git", "repack", "-adq");
        run(dir, "git", "prune");
        return total;
    }

    /** Folders about four levels deep with 10 to 30 files each, like a mid-sized source tree. */
    private static String folderFor(int index, Random random) {
        int module = index / 1000;
        int pkg = (index / 100) % 10;
        int sub = (index / 20) % 5;
        return "module" + module + "/src/main/pkg" + pkg + (random.nextInt(4) == 0 ? "" : "/sub" + sub);
    }

    /** Log-normal sizes: median about 2.5 KB, a long tail up to about 200 KB, as source files have. */
    private static int size(Random random) {
        double size = Math.exp(Math.log(2500) + 1.0 * random.nextGaussian());
        return (int) Math.max(40, Math.min(200_000, size));
    }

    private static byte[] text(int size, Random random) {
        StringBuilder out = new StringBuilder(size + 16);
        int column = 0;
        while (out.length() < size) {
            String word = WORDS[random.nextInt(WORDS.length)];
            out.append(word);
            column += word.length() + 1;
            if (column > 60 + random.nextInt(40)) {
                out.append('\n');
                column = 0;
            } else {
                out.append(' ');
            }
        }
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed in " + dir + ":\n" + output);
        }
    }
}
