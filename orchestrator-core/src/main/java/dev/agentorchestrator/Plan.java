package dev.agentorchestrator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Advice before spinning up parallel sessions: which features are likely to collide, and an order
 * that keeps colliding features apart. Made from the file paths the prompts name
 * ({@link #suggest(List)}, usable before any orchestrator starts) and, through
 * {@link Orchestrator#plan(List)}, also from what the running sessions show: the conflict
 * forecast, the overlaps seen so far, and the files each session touches.
 *
 * <pre>{@code
 * Plan plan = Plan.suggest(List.of(
 *         Feature.of("auth", "Add login; register its route in src/routes.txt"),
 *         Feature.of("ui", "Add a dashboard page to src/routes.txt"),
 *         Feature.of("docs", "Document the API in docs/api.md")));
 * System.out.print(plan.toTable());   // auth x ui: src/routes.txt; groups [auth, docs], [ui]
 * }</pre>
 *
 * <p>It is advice, not a guarantee: a prompt may change files it does not name, and one that
 * names a file may only read it.
 *
 * @param collisions the pairs likely to collide, with the files and where the evidence comes from
 * @param groups     a suggested order: the features of one group can run in parallel; run the
 *                   groups one after the other (a feature comes after those it depends on, except
 *                   a stacked one, which may share its dependency's group)
 */
public record Plan(List<Collision> collisions, List<List<String>> groups) {

    /** Where the evidence for a collision comes from. */
    public enum Source {
        /** Both prompts name the same file (or one names a folder the other's file is in). */
        PROMPTS,
        /** The feature's prompt names files that a session already changes. */
        TOUCHED,
        /** The conflict forecast says merging the two branches conflicts. */
        FORECAST,
        /** The two sessions have changed the same files (now or earlier in this orchestrator's run). */
        OVERLAP
    }

    /**
     * Two features (or a feature and a running session) likely to collide.
     *
     * @param feature one of the features planned
     * @param other   another feature planned, or a session that exists already
     * @param files   the files they share, sorted
     * @param source  where the evidence comes from
     */
    public record Collision(String feature, String other, List<String> files, Source source) {
        public Collision {
            Objects.requireNonNull(feature, "feature");
            Objects.requireNonNull(other, "other");
            if (feature.equals(other)) {
                throw new ConfigurationException("a collision needs two features, got '" + feature + "' twice");
            }
            files = List.copyOf(new TreeSet<>(files));
            Objects.requireNonNull(source, "source");
        }

        /** True when it is between {@code a} and {@code b}, in either order. */
        public boolean between(String a, String b) {
            return feature.equals(a) && other.equals(b) || feature.equals(b) && other.equals(a);
        }

        @Override
        public String toString() {
            return feature + " x " + other + ": " + String.join(", ", files) + " (" + switch (source) {
                case PROMPTS -> "both prompts name it";
                case TOUCHED -> "the prompt names what '" + other + "' changes";
                case FORECAST -> "the forecast says their merge conflicts";
                case OVERLAP -> "both sessions changed it";
            } + ")";
        }
    }

    public Plan {
        collisions = List.copyOf(collisions);
        groups = groups.stream().map(List::copyOf).toList();
    }

    /** The advice from the prompts alone: no orchestrator needed. */
    public static Plan suggest(List<Feature> features) {
        return suggest(features, List.of());
    }

    /**
     * The advice from the prompts and from collisions known otherwise (the forecast, overlaps):
     * what {@link Orchestrator#plan(List)} uses.
     */
    public static Plan suggest(List<Feature> features, List<Collision> known) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(known, "known");
        Map<String, Feature> byName = new LinkedHashMap<>();
        for (Feature f : features) {
            if (byName.put(Objects.requireNonNull(f, "feature").name(), f) != null) {
                throw new ConfigurationException("plan: the feature '" + f.name() + "' is listed twice; list each once");
            }
        }
        List<Collision> all = new ArrayList<>();
        List<Feature> list = List.copyOf(byName.values());
        for (int i = 0; i < list.size(); i++) {
            for (int j = i + 1; j < list.size(); j++) {
                List<String> shared = shared(namedPaths(list.get(i).prompt()), namedPaths(list.get(j).prompt()));
                if (!shared.isEmpty()) {
                    all.add(new Collision(list.get(i).name(), list.get(j).name(), shared, Source.PROMPTS));
                }
            }
        }
        for (Collision c : known) {
            boolean seen = all.stream().anyMatch(x -> x.source() == c.source() && x.between(c.feature(), c.other()));
            if (!seen && byName.containsKey(c.feature())) {
                all.add(c);
            }
        }
        return new Plan(all, groups(list, byName, all));
    }

    /** Waves: a feature goes into the first group after its sequential dependencies where nothing it collides with is. */
    private static List<List<String>> groups(List<Feature> list, Map<String, Feature> byName, List<Collision> collisions) {
        Map<String, Integer> wave = new LinkedHashMap<>();
        Set<String> placing = new LinkedHashSet<>();
        for (Feature f : list) {
            place(f, byName, collisions, wave, placing);
        }
        List<List<String>> groups = new ArrayList<>();
        wave.forEach((name, w) -> {
            while (groups.size() <= w) {
                groups.add(new ArrayList<>());
            }
            groups.get(w).add(name);
        });
        groups.removeIf(List::isEmpty);
        return groups;
    }

    private static int place(Feature f, Map<String, Feature> byName, List<Collision> collisions, Map<String, Integer> wave,
                             Set<String> placing) {
        Integer known = wave.get(f.name());
        if (known != null) {
            return known;
        }
        if (!placing.add(f.name())) {
            throw new ConfigurationException("plan: the features depend on each other in a cycle through '" + f.name()
                    + "'; break the cycle first");
        }
        int w = 0;
        for (String d : f.dependsOn()) {
            Feature dep = byName.get(d);
            if (dep != null) {
                int dw = place(dep, byName, collisions, wave, placing);
                w = Math.max(w, f.dependencyMode() == DependencyMode.STACKED ? dw : dw + 1);
            }
        }
        while (true) {
            int candidate = w;
            boolean clash = wave.entrySet().stream().anyMatch(e -> e.getValue() == candidate
                    && collisions.stream().anyMatch(c -> c.between(f.name(), e.getKey())));
            if (!clash) {
                break;
            }
            w++;
        }
        wave.put(f.name(), w);
        placing.remove(f.name());
        return w;
    }

    // A path: segments of word characters, dots and dashes joined by slashes, ending in a file name with an
    // extension that starts with a letter, or in a slash (a folder). URLs and abbreviations are left out.
    private static final Pattern PATH = Pattern.compile(
            "(?<![\\w/.:-])((?:[\\w.-]+/)+(?:[\\w-][\\w.-]*\\.[A-Za-z]\\w{0,9})?|[\\w-][\\w.-]*\\.[A-Za-z]\\w{0,9})(?![\\w/])");
    private static final Set<String> NOT_PATHS = Set.of("e.g", "i.e", "etc", "vs", "a.k.a");

    /** The file and folder paths a prompt names, as written (without a leading {@code ./}). */
    public static List<String> namedPaths(String prompt) {
        Set<String> found = new TreeSet<>();
        Matcher m = PATH.matcher(Objects.requireNonNull(prompt, "prompt"));
        while (m.find()) {
            String p = m.group(1);
            while (p.startsWith("./")) {
                p = p.substring(2);
            }
            String lower = p.toLowerCase(Locale.ROOT);
            if (p.isEmpty() || p.equals("/") || NOT_PATHS.contains(lower) || lower.contains("..")) {
                continue;
            }
            found.add(p);
        }
        return List.copyOf(found);
    }

    /** The paths of {@code a} and {@code b} that name the same file: equal, one a suffix of the other, or a file in a named folder. */
    public static List<String> shared(List<String> a, List<String> b) {
        Set<String> out = new TreeSet<>();
        for (String x : a) {
            for (String y : b) {
                if (x.equals(y) || x.endsWith("/" + y) || folderHolds(y, x)) {
                    out.add(x);
                } else if (y.endsWith("/" + x) || folderHolds(x, y)) {
                    out.add(y);
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean folderHolds(String folder, String file) {
        return folder.endsWith("/") && file.startsWith(folder) && !file.equals(folder);
    }

    /** The collision between {@code a} and {@code b} with the most evidence (forecast, overlap, touched, prompts), if any. */
    public Optional<Collision> collision(String a, String b) {
        return collisions.stream().filter(c -> c.between(a, b))
                .min((x, y) -> Integer.compare(rank(x.source()), rank(y.source())));
    }

    private static int rank(Source s) {
        return switch (s) {
            case FORECAST -> 0;
            case OVERLAP -> 1;
            case TOUCHED -> 2;
            case PROMPTS -> 3;
        };
    }

    /** A plain-text report: the likely collisions, then the suggested groups in order. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        if (collisions.isEmpty()) {
            out.append("No likely collisions found.\n");
        } else {
            out.append("Likely collisions:\n");
            collisions.forEach(c -> out.append("  ").append(c).append('\n'));
        }
        out.append("Suggested order (a group's features can run in parallel; run the groups one after the other):\n");
        for (int i = 0; i < groups.size(); i++) {
            out.append(String.format(Locale.ROOT, "  %d: %s%n", i + 1, String.join(", ", groups.get(i))));
        }
        return out.toString();
    }

    /** {@code Plan[2 collisions, groups [auth, docs] then [ui]]}. */
    @Override
    public String toString() {
        return "Plan[" + collisions.size() + " collision" + (collisions.size() == 1 ? "" : "s") + ", groups "
                + String.join(" then ", groups.stream().map(Object::toString).toList()) + "]";
    }
}
