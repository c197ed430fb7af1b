package dev.agentorchestrator.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Overlap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line's JSON shape of what only a running engine computes: the overlaps and the
 * conflict forecast. Written by the control API and read back by {@code status} and
 * {@code forecast}, so both ends share one definition (documented in docs/cli.md).
 */
public final class CoordinationView {

    /** What {@code status} says when no engine runs, so none computed them. */
    public static final String NO_ENGINE = "(no engine running: overlaps and forecast not computed)";

    private CoordinationView() {
    }

    public static ArrayNode overlapsToJson(List<Overlap> overlaps) {
        ArrayNode a = SessionView.JSON.createArrayNode();
        for (Overlap o : overlaps) {
            ObjectNode n = a.addObject();
            o.sessions().forEach(n.putArray("sessions")::add);
            o.files().forEach(n.putArray("files")::add);
        }
        return a;
    }

    public static List<Overlap> overlapsFromJson(JsonNode array) {
        List<Overlap> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(new Overlap(strings(n.path("sessions")), strings(n.path("files"))));
        }
        return out;
    }

    public static ObjectNode forecastToJson(ForecastMatrix m) {
        ObjectNode n = SessionView.JSON.createObjectNode();
        m.names().forEach(n.putArray("names")::add);
        ObjectNode heads = n.putObject("heads");
        m.heads().forEach(heads::put);
        n.set("pairs", cells(m.pairs()));
        n.set("againstBase", cells(m.againstBase()));
        n.set("conflicts", cells(m.conflicts()));
        return n;
    }

    /** The matrix back from {@link #forecastToJson}; the record checks it as it would any other. */
    public static ForecastMatrix forecastFromJson(JsonNode n) {
        Map<String, String> heads = new LinkedHashMap<>();
        n.path("heads").fields().forEachRemaining(e -> heads.put(e.getKey(), e.getValue().asText()));
        return new ForecastMatrix(strings(n.path("names")), heads, cellsFromJson(n.path("pairs")), cellsFromJson(n.path("againstBase")));
    }

    private static ArrayNode cells(List<ForecastMatrix.Cell> cells) {
        ArrayNode a = SessionView.JSON.createArrayNode();
        cells.forEach(c -> a.add(cell(c)));
        return a;
    }

    public static ObjectNode cell(ForecastMatrix.Cell c) {
        ObjectNode n = SessionView.JSON.createObjectNode();
        n.put("name", c.name());
        n.put("other", c.other());
        n.put("outcome", c.outcome().name());
        c.conflictingPaths().forEach(n.putArray("conflictingPaths")::add);
        n.put("reason", c.reason().orElse(null));
        return n;
    }

    private static List<ForecastMatrix.Cell> cellsFromJson(JsonNode array) {
        List<ForecastMatrix.Cell> out = new ArrayList<>();
        for (JsonNode c : array) {
            out.add(new ForecastMatrix.Cell(c.path("name").asText(), c.path("other").asText(),
                    ForecastMatrix.Outcome.valueOf(c.path("outcome").asText()), strings(c.path("conflictingPaths")),
                    c.path("reason").isTextual() ? Optional.of(c.path("reason").asText()) : Optional.empty()));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
