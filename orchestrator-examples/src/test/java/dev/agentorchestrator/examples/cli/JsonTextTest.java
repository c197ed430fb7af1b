package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The quick commands' own JSON reader and writer, held against Jackson, which the rest of the
 * command line and the state store use.
 */
class JsonTextTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Property
    void anyStringSurvivesTheWriterAndBothReaders(@ForAll String text) throws Exception {
        String json = new JsonText.Writer().beginObject().name(text).value(text).endObject().toString();
        assertEquals(Map.of(text, text), JsonText.parse(json));
        assertEquals(text, JACKSON.readTree(json).path(text).asText(), "Jackson reads what the writer wrote");
        String jacksonsOwn = JACKSON.writeValueAsString(Map.of("k", text));
        assertEquals(Map.of("k", text), JsonText.parse(jacksonsOwn), "and the reader reads what Jackson wrote");
    }

    @Property
    void numbersReadAsJacksonReadsThem(@ForAll long whole, @ForAll double fraction) throws Exception {
        assertEquals(whole, JsonText.parse(Long.toString(whole)));
        if (Double.isFinite(fraction)) {
            String json = JACKSON.writeValueAsString(fraction);
            assertEquals(JACKSON.readTree(json).asDouble(), ((Number) JsonText.parse(json)).doubleValue());
        }
    }

    @Test
    void theWriterIndentsAndTheReaderReadsEveryKindOfValue() throws Exception {
        String json = new JsonText.Writer().beginObject().name("a").beginArray().value(1).value(2.5).value(true).nullValue()
                .beginObject().endObject().beginArray().endArray().endArray().name("b").value((String) null).endObject().toString();
        assertEquals("""
                {
                  "a": [
                    1,
                    2.5,
                    true,
                    null,
                    {},
                    []
                  ],
                  "b": null
                }""", json);
        Object parsed = JsonText.parse(json);
        assertTrue(parsed instanceof Map<?, ?>);
        List<?> a = (List<?>) ((Map<?, ?>) parsed).get("a");
        assertEquals(1L, a.get(0));
        assertEquals(2.5, a.get(1));
        assertEquals(true, a.get(2));
        assertEquals(null, a.get(3), "null");
        assertEquals(Map.of(), a.get(4));
        assertEquals(List.of(), a.get(5));
        assertTrue(((Map<?, ?>) parsed).containsKey("b"));
        JsonNode tree = JACKSON.readTree(json);
        assertEquals(6, tree.path("a").size());
    }

    @Test
    void aParsedDocumentIsWrittenAgainAsItWasKeysInOrder() throws Exception {
        String doc = "{\"zeta\": [1, 2.5, \"x\", true, null, {\"b\": {}, \"a\": []}], \"alpha\": {\"n\": -3}}";
        Object parsed = JsonText.parse(doc);
        String written = new JsonText.Writer().json(parsed).toString();
        assertEquals(parsed, JsonText.parse(written));
        assertEquals(JACKSON.readTree(doc), JACKSON.readTree(written));
        assertTrue(written.indexOf("zeta") < written.indexOf("alpha"), "the text's order is kept:\n" + written);
        assertThrows(IllegalArgumentException.class, () -> new JsonText.Writer().json(new Object()));
    }

    @Test
    void escapesAreRead() {
        assertEquals("a\"b\\c/d\b\f\n\r\t\u00e9\ud83d\ude00", JsonText.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
    }

    @Test
    void whatIsNotJsonIsRefusedSayingWhere() {
        for (String bad : List.of("", "{", "{\"a\": 1,}", "[1 2]", "{\"a\": 1} x", "01", "-", "1.", "1e", "tru", "nul", "\"open",
                "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "{a: 1}", "{\"a\" 1}", "[1,]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonText.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("not valid JSON at character "), e.getMessage());
        }
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\"a\": 1, \"a\": 2}"));
        assertTrue(twice.getMessage().contains("the key a appears twice"), twice.getMessage());
    }
}
