package dev.agentorchestrator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.FeatureNames;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The file-name encoding is portable, reversible and never maps two names to one file. */
class StoreFileNamesProperties {

    private static final String PORTABLE = "abcdefghijklmnopqrstuvwxyz0123456789-_.+%~ABCDEF";

    @Provide
    Arbitrary<String> validNames() {
        Arbitrary<Character> chars = Arbitraries.of(
                'a', 'b', 'z', 'A', 'B', 'Z', '0', '9', '-', '_', '.', '/',
                'é', 'É', 'ß', 'ẞ', 'ж', 'Ж', 'ı', 'İ', 'K', 'ſ', '字', 'ﬀ');
        Arbitrary<String> plain = chars.list().ofMinSize(1).ofMaxSize(FeatureNames.MAX_LENGTH)
                .map(list -> list.stream().map(String::valueOf).reduce("", String::concat));
        Arbitrary<String> withEmoji = plain.map(s -> s.length() > 2 ? s.substring(0, s.length() - 2) + "😀" : s);
        return Arbitraries.oneOf(plain, withEmoji).filter(FeatureNames::isValid);
    }

    @Property(tries = 2000)
    void encodingUsesOnlyPortableCharactersAndStaysShort(@ForAll("validNames") String name) {
        String encoded = StoreFileNames.encode(name);
        assertTrue(encoded.chars().allMatch(c -> PORTABLE.indexOf(c) >= 0), encoded);
        assertTrue(encoded.length() <= StoreFileNames.MAX_READABLE, encoded);
        assertTrue(!encoded.startsWith("."), encoded);
    }

    @Property(tries = 2000)
    void encodingIsReversibleUnlessShortened(@ForAll("validNames") String name) {
        String encoded = StoreFileNames.encode(name);
        Optional<String> decoded = StoreFileNames.decode(encoded);
        if (encoded.contains("~")) {
            assertEquals(Optional.empty(), decoded);
        } else {
            assertEquals(Optional.of(name), decoded);
        }
    }

    @Property(tries = 2000)
    void namesThatDifferOnlyInCaseOrNormalisationGetDifferentFiles(@ForAll("validNames") String name) {
        String file = StoreFileNames.encode(name).toLowerCase(Locale.ROOT);
        for (String variant : List.of(name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT), swapCase(name),
                Normalizer.normalize(name, Normalizer.Form.NFD), Normalizer.normalize(name, Normalizer.Form.NFC))) {
            if (!variant.equals(name) && FeatureNames.isValid(variant)) {
                assertNotEquals(file, StoreFileNames.encode(variant).toLowerCase(Locale.ROOT),
                        "'" + name + "' and '" + variant + "' share a file on a case-insensitive file system");
            }
        }
    }

    @Property(tries = 2000)
    void differentNamesGetDifferentFiles(@ForAll("validNames") String a, @ForAll("validNames") String b) {
        if (!a.equals(b)) {
            assertNotEquals(StoreFileNames.encode(a).toLowerCase(Locale.ROOT),
                    StoreFileNames.encode(b).toLowerCase(Locale.ROOT));
        }
    }

    @Example
    void readableExamples() {
        assertEquals("auth-api", StoreFileNames.encode("auth-api"));
        assertEquals("ui%2F+dashboard", StoreFileNames.encode("ui/Dashboard"));
        assertEquals("caf%C3%A9%2Fv1.2", StoreFileNames.encode("café/v1.2"));
        assertEquals("%63on", StoreFileNames.encode("con"), "Windows device names are escaped");
        assertEquals("%6Eul.txt", StoreFileNames.encode("nul.txt"), "also with an extension");
        assertEquals(Optional.of("con"), StoreFileNames.decode("%63on"));
    }

    @Example
    void longNonLatinNamesAreShortenedWithAHash() {
        String name = "ж".repeat(FeatureNames.MAX_LENGTH);
        String encoded = StoreFileNames.encode(name);
        assertTrue(encoded.length() <= StoreFileNames.MAX_READABLE, encoded);
        assertTrue(encoded.matches("(%[0-9A-F]{2})+~[0-9a-f]{20}"), encoded);
        assertNotEquals(encoded, StoreFileNames.encode("ж".repeat(FeatureNames.MAX_LENGTH - 1) + "з"));
    }

    @Example
    void nonCanonicalSpellingsDoNotDecode() {
        assertEquals(Optional.empty(), StoreFileNames.decode("ui%2fdashboard"), "lower-case hex");
        assertEquals(Optional.empty(), StoreFileNames.decode("%61uth"), "escaped letter that needs none");
        assertEquals(Optional.empty(), StoreFileNames.decode("Auth"), "bare upper case");
        assertEquals(Optional.empty(), StoreFileNames.decode("auth%2"), "cut escape");
    }

    private static String swapCase(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.appendCodePoint(
                Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp)));
        return out.toString();
    }
}
