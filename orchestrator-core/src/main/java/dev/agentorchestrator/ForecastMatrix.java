package dev.agentorchestrator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The conflict forecast: for every pair of live sessions, whether their branches would merge
 * cleanly, and for every session whether its branch would merge cleanly into its base branch.
 * Computed in memory, without touching any working tree; a snapshot, not a live view.
 *
 * <pre>{@code
 * ForecastMatrix forecast = ...;
 * forecast.conflicts().forEach(c -> System.out.println(c.name() + " x " + c.other() + ": " + c.conflictingPaths()));
 * System.out.println(forecast.toTable());
 * }</pre>
 *
 * @param names        the sessions forecast, in the order they were given
 * @param heads        the commit each session's branch was at when forecast, by name; a session
 *                     whose branch did not resolve is missing
 * @param pairs        one cell per pair of names, {@code name} before {@code other} in {@code names} order
 * @param againstBase  one cell per name: its branch merged into its base ({@code other} is the base branch)
 */
public record ForecastMatrix(List<String> names, Map<String, String> heads, List<Cell> pairs,
                             List<Cell> againstBase) {

    /** What merging would do. */
    public enum Outcome {
        /** Merges without conflicts. */
        CLEAN,
        /** Merging leaves the listed paths conflicted. */
        CONFLICT,
        /** Could not be computed (a branch is missing, the histories are unrelated, git failed); see the reason. */
        UNKNOWN
    }

    /**
     * One forecast.
     *
     * @param name             a session's name
     * @param other            the other session's name, or the base branch for a cell of {@link #againstBase()}
     * @param outcome          what merging would do
     * @param conflictingPaths sorted; not empty exactly when the outcome is {@link Outcome#CONFLICT}
     * @param reason           why the outcome is {@link Outcome#UNKNOWN}; empty otherwise
     */
    public record Cell(String name, String other, Outcome outcome, List<String> conflictingPaths,
                       Optional<String> reason) {

        public Cell {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(other, "other");
            Objects.requireNonNull(outcome, "outcome");
            conflictingPaths = conflictingPaths.stream().sorted().distinct().toList();
            Objects.requireNonNull(reason, "reason");
            if ((outcome == Outcome.CONFLICT) == conflictingPaths.isEmpty()) {
                throw new IllegalArgumentException("a forecast cell lists conflicting paths exactly when its outcome"
                        + " is CONFLICT; got " + outcome + " with " + conflictingPaths);
            }
            if ((outcome == Outcome.UNKNOWN) != reason.isPresent()) {
                throw new IllegalArgumentException("a forecast cell gives a reason exactly when its outcome is"
                        + " UNKNOWN; got " + outcome + " with reason " + reason);
            }
        }

        public static Cell clean(String name, String other) {
            return new Cell(name, other, Outcome.CLEAN, List.of(), Optional.empty());
        }

        public static Cell conflict(String name, String other, List<String> paths) {
            return new Cell(name, other, Outcome.CONFLICT, paths, Optional.empty());
        }

        public static Cell unknown(String name, String other, String reason) {
            return new Cell(name, other, Outcome.UNKNOWN, List.of(), Optional.of(reason));
        }

        /** The cell's text in {@link ForecastMatrix#toTable()}. */
        String shortText() {
            return switch (outcome) {
                case CLEAN -> "clean";
                case CONFLICT -> "CONFLICT(" + conflictingPaths.size() + ")";
                case UNKNOWN -> "?";
            };
        }
    }

    public ForecastMatrix {
        names = List.copyOf(names);
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("a forecast lists each session once; got " + names);
        }
        heads = Map.copyOf(heads);
        pairs = List.copyOf(pairs);
        againstBase = List.copyOf(againstBase);
        Set<String> seen = new HashSet<>();
        for (Cell c : pairs) {
            int a = names.indexOf(c.name());
            int b = names.indexOf(c.other());
            if (a < 0 || b < 0 || a >= b || !seen.add(c.name() + "\0" + c.other())) {
                throw new IllegalArgumentException("pair cell " + c.name() + " x " + c.other() + " must name two"
                        + " listed sessions, the first before the second in " + names + ", once");
            }
        }
        Set<String> based = new HashSet<>();
        for (Cell c : againstBase) {
            if (!names.contains(c.name()) || !based.add(c.name())) {
                throw new IllegalArgumentException("base cell of " + c.name() + " must name a listed session, once");
            }
        }
    }

    /** No sessions, nothing forecast. */
    public static ForecastMatrix empty() {
        return new ForecastMatrix(List.of(), Map.of(), List.of(), List.of());
    }

    /** The forecast for two sessions, in either order; empty when either is not in the matrix. */
    public Optional<Cell> pair(String a, String b) {
        return pairs.stream().filter(c -> c.name().equals(a) && c.other().equals(b)
                || c.name().equals(b) && c.other().equals(a)).findFirst();
    }

    /** The forecast for a session's branch merged into its base; empty when it is not in the matrix. */
    public Optional<Cell> againstBase(String name) {
        return againstBase.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Every cell, pairs first, whose outcome is {@link Outcome#CONFLICT}. */
    public List<Cell> conflicts() {
        return cells().stream().filter(c -> c.outcome() == Outcome.CONFLICT).toList();
    }

    /** Pair cells, then base cells. */
    public List<Cell> cells() {
        List<Cell> all = new ArrayList<>(pairs);
        all.addAll(againstBase);
        return List.copyOf(all);
    }

    /**
     * A table for people: one row and column per session, a last row for each session against its
     * base, then the conflicting paths and the reasons for unknown cells.
     */
    public String toTable() {
        if (names.isEmpty()) {
            return "(no sessions to forecast)\n";
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        names.forEach(n -> index.put(n, index.size()));
        String[][] grid = new String[names.size() + 2][names.size() + 1];
        grid[0][0] = "";
        for (int i = 0; i < names.size(); i++) {
            grid[0][i + 1] = names.get(i);
            grid[i + 1][0] = names.get(i);
            for (int j = 0; j < names.size(); j++) {
                grid[i + 1][j + 1] = i == j ? "-" : "";
            }
            grid[names.size() + 1][i + 1] = "";
        }
        grid[names.size() + 1][0] = "into base";
        for (Cell c : pairs) {
            int a = index.get(c.name());
            int b = index.get(c.other());
            grid[a + 1][b + 1] = c.shortText();
            grid[b + 1][a + 1] = c.shortText();
        }
        for (Cell c : againstBase) {
            grid[names.size() + 1][index.get(c.name()) + 1] = c.shortText();
        }
        int[] widths = new int[grid[0].length];
        for (String[] row : grid) {
            for (int j = 0; j < row.length; j++) {
                widths[j] = Math.max(widths[j], row[j].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : grid) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < row.length; j++) {
                line.append(String.format(Locale.ROOT, "%-" + (widths[j] + 2) + "s", row[j]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        Set<String> notes = new LinkedHashSet<>();
        for (Cell c : cells()) {
            String what = againstBase.contains(c) ? c.name() + " into " + c.other() : c.name() + " x " + c.other();
            if (c.outcome() == Outcome.CONFLICT) {
                notes.add(what + ": " + String.join(", ", c.conflictingPaths()));
            } else if (c.outcome() == Outcome.UNKNOWN) {
                notes.add(what + ": unknown, " + c.reason().orElseThrow());
            }
        }
        notes.forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }

    @Override
    public String toString() {
        return toTable();
    }
}
