package dev.agentorchestrator.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Small shared helpers of the benchmark harness: statistics, the machine, repositories, heap. */
final class BenchSupport {

    /** The author every benchmark commit uses, so that no global git configuration is needed. */
    static final String[] GIT_IDENTITY = {"-c", "user.name=Benchmark", "-c", "user.email=bench@example.invalid",
        "-c", "commit.gpgsign=false"};

    private BenchSupport() {
    }

    /** Median, minimum and maximum of a series of measurements. */
    record Stats(double median, double min, double max, int count) {
        static Stats of(double... values) {
            double[] v = values.clone();
            Arrays.sort(v);
            if (v.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stats(median, v[0], v[v.length - 1], v.length);
        }

        static Stats of(List<Double> values) {
            return of(values.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /** "median (min to max)" with the given number of decimals. */
        String format(int decimals) {
            String f = "%." + decimals + "f";
            return String.format(Locale.ROOT, f + " (" + f + " to " + f + ")", median, min, max);
        }
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** One line naming the machine: cores, heap limit, memory, JDK, git, load. */
    static String machine() {
        long totalMemory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            totalMemory = os.getTotalMemorySize();
        }
        return fmt("%d cores, %.1f GB of memory, JVM heap limit %.0f MB, Java %s (%s), %s, %s, load average %.1f"
                        + " when the run started",
                Runtime.getRuntime().availableProcessors(), totalMemory / 1e9, Runtime.getRuntime().maxMemory() / 1e6,
                System.getProperty("java.version"), System.getProperty("java.vm.name"), gitVersion(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * The arguments of a benchmark's {@code main}: exec:exec passes {@code -Dbench.args} as one argument (or
     * unexpanded when it is not set), so it is split, and plain command-line arguments work as well.
     */
    static List<String> arguments(String[] raw) {
        return Arrays.stream(raw).flatMap(a -> Stream.of(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty() && !a.equals("${bench.args}")).toList();
    }

    static String gitVersion() {
        try {
            return run(Path.of("."), "git", "--version").strip();
        } catch (IOException e) {
            return "git version unknown";
        }
    }

    /** A repository on {@code main} with a few files and one commit, made with the git binary. */
    static Path smallRepository(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("README.md"), "# Benchmark\n", StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            Files.writeString(dir.resolve("src/File" + i + ".txt"), ("line of text " + i + "\n").repeat(50),
                    StandardCharsets.UTF_8);
        }
        run(dir, "git", "init", "-q", "-b", "main");
        run(dir, "git", "add", "-A");
        run(dir, concat(new String[] {"git"}, GIT_IDENTITY, new String[] {"commit", "-q", "-m", "initial"}));
        return dir;
    }

    /** The shell code an agent runs to write {@code files} files and commit them, in its working folder. */
    static String commitScript(int files) {
        return "for i in $(seq 1 " + files + "); do echo \"change $i by $$\" > \"bench-$i.txt\"; done; "
                + "git add -A && git " + String.join(" ", GIT_IDENTITY) + " commit -q -m work";
    }

    static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    /** Runs a command, waits for it and returns its output; fails when it exits with another code than 0. */
    static String run(Path dir, String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed in " + dir + ":\n" + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }

    /** Heap in use after several collections, so that only what is reachable is counted. */
    static long retainedHeap() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            try {
                Thread.sleep(50); // lets reference processing and finalisation finish between rounds
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(used - last) < 64 * 1024) {
                return used;
            }
            last = used;
        }
        return last;
    }

    static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of every heap pool's peak since the last {@link #resetPeaks()} (an upper bound of the true peak). */
    static long peakHeap() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
