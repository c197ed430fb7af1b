package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code status} table: one row per session, sized to its contents. */
public final class StatusTable {

    private StatusTable() {
    }

    public static String render(List<Session> sessions, Instant now) {
        if (sessions.isEmpty()) {
            return "No sessions. Add one with: agent-orchestrator create NAME --prompt \"...\"\n";
        }
        String[] header = {"NAME", "STATE", "PROGRESS", "CI", "COST", "TURNS", "ACTIVE", "AGE", "MESSAGE"};
        String[][] rows = new String[sessions.size()][];
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            String progress = s.progress().total() == 0 ? "-" : s.progress().completed() + "/" + s.progress().total();
            String ci = s.lastCi().isPresent() ? ci(s.lastCi().get()) : "-";
            String message = s.message().replace('\n', ' ');
            if (!s.attention().isEmpty()) {
                // Attention outranks the message: it is why a person must look now (or that one is on it already).
                message = "[" + (s.isHandedOver() ? "" : "needs you: ") + s.attention().replace('\n', ' ') + "] " + message;
            }
            if (!s.pendingPrompts().isEmpty()) {
                message = "[" + s.pendingPrompts().size() + " prompt(s) waiting] " + message;
            }
            if (message.length() > 70) {
                message = message.substring(0, 67) + "...";
            }
            rows[i] = new String[] {s.name(), s.state().name(), progress, ci, dollars(s.costUsd()),
                Integer.toString(s.turns()), ago(s.lastActivityAt(), now), age(s.createdAt(), now), message};
        }
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        append(out, header, width);
        for (String[] row : rows) {
            append(out, row, width);
        }
        notes(sessions, out);
        return out.toString();
    }

    /**
     * The lines under the rows, worded like the library's {@code StatusSnapshot.toTable()}: how
     * each dependent waits ({@code depends: ui stacked on api}), and each attention in full, since
     * the column cuts it (a repository drift names the command that fixes it at its end).
     */
    private static void notes(List<Session> sessions, StringBuilder out) {
        for (Session s : sessions) {
            if (!s.dependsOn().isEmpty()) {
                out.append("depends: ").append(s.name()).append(s.dependencyMode() == DependencyMode.STACKED
                        ? " stacked on " : " after merge of ").append(String.join(", ", s.dependsOn())).append('\n');
            }
            if (!s.attention().isEmpty()) {
                out.append("attention: ").append(s.name()).append(": ").append(s.attention().replace('\n', ' ')).append('\n');
            }
        }
    }

    /**
     * The lines under the table: the overlaps and the forecast's conflicts a running engine
     * computed, or {@link CoordinationView#NO_ENGINE} when none runs ({@code coordination} empty).
     */
    public static String coordination(Optional<Coordination> coordination) {
        if (coordination.isEmpty()) {
            return CoordinationView.NO_ENGINE + "\n";
        }
        StringBuilder out = new StringBuilder();
        for (Overlap o : coordination.get().overlaps()) {
            out.append("overlap: ").append(o).append('\n');
        }
        for (ForecastMatrix.Cell c : coordination.get().forecast().conflicts()) {
            boolean base = coordination.get().forecast().againstBase().contains(c);
            out.append("conflict forecast: ").append(c.name()).append(base ? " into " : " x ").append(c.other()).append(": ")
                    .append(String.join(", ", c.conflictingPaths())).append('\n');
        }
        if (out.isEmpty()) {
            out.append("no overlaps, no conflicts forecast\n");
        }
        return out.toString();
    }

    /** What a running engine computed besides the sessions. */
    public record Coordination(List<Overlap> overlaps, ForecastMatrix forecast) {
        public Coordination {
            overlaps = List.copyOf(overlaps);
            java.util.Objects.requireNonNull(forecast, "forecast");
        }
    }

    private static String ci(dev.agentorchestrator.CiResult r) {
        return r.status().name().toLowerCase(java.util.Locale.ROOT) + (r.failed() > 0 ? " (" + r.failed() + " failed)" : "");
    }

    /**
     * {@code $1.25}: by hand, because {@code String.format} loads the locale data, a noticeable
     * part of a quick command's start-up.
     */
    static String dollars(double amount) {
        long cents = Math.round(amount * 100);
        long rest = cents % 100;
        return "$" + cents / 100 + (rest < 10 ? ".0" : ".") + rest;
    }

    private static void append(StringBuilder out, String[] row, int[] width) {
        for (int c = 0; c < row.length; c++) {
            out.append(row[c]);
            if (c < row.length - 1) {
                out.append(" ".repeat(width[c] - row[c].length() + 2));
            }
        }
        out.append('\n');
    }

    static String ago(Instant then, Instant now) {
        return age(then, now) + " ago";
    }

    /** 42s, 5m, 3h, 2d: the largest whole unit. */
    static String age(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toSeconds() < 60) {
            return d.toSeconds() + "s";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + "m";
        }
        if (d.toHours() < 48) {
            return d.toHours() + "h";
        }
        return d.toDays() + "d";
    }
}
