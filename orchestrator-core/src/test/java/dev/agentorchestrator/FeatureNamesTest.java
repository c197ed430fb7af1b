package dev.agentorchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per naming rule, plus names that pass and that git accepts as {@code feature/<name>}. */
class FeatureNamesTest {

    private static void assertRefused(String name, String rule) {
        InvalidFeatureNameException e = assertThrows(InvalidFeatureNameException.class, () -> FeatureNames.check(name));
        assertEquals(rule, e.rule(), "rule for '" + name + "': " + e.getMessage());
        assertEquals(name, e.name());
        assertTrue(e.getMessage().contains("(rule " + rule + ")"), "message names the rule: " + e.getMessage());
        assertFalse(FeatureNames.isValid(name));
    }

    private static void assertMessageNamesTheName(String name, String rule) {
        assertRefused(name, rule);
        String message = assertThrows(InvalidFeatureNameException.class, () -> FeatureNames.check(name)).getMessage();
        assertTrue(message.contains("'" + name + "'"), "message names '" + name + "': " + message);
    }

    @Test
    void emptyNamesAreRefused() {
        assertRefused("", FeatureNames.RULE_EMPTY);
        assertRefused(null, FeatureNames.RULE_EMPTY);
    }

    @Test
    void namesLongerThanTheLimitAreRefused() {
        assertEquals("n".repeat(100), FeatureNames.check("n".repeat(100)));
        assertMessageNamesTheName("n".repeat(101), FeatureNames.RULE_LENGTH);
    }

    @Test
    void partsLongerThanAFileNameAllowsInUtf8AreRefused() {
        // 90 letters of three bytes each: short enough in characters, too long as a file name.
        assertMessageNamesTheName("\u4e2d".repeat(90), FeatureNames.RULE_LENGTH);
        assertEquals("\u4e2d".repeat(60) + "/" + "\u4e2d".repeat(39),
                FeatureNames.check("\u4e2d".repeat(60) + "/" + "\u4e2d".repeat(39)));
        assertEquals("\u00e9".repeat(90), FeatureNames.check("\u00e9".repeat(90)));
    }

    @Test
    void controlCharactersAreRefused() {
        assertRefused("a\tb", FeatureNames.RULE_CONTROL);
        assertRefused("a\nb", FeatureNames.RULE_CONTROL);
        assertRefused("a\u0000", FeatureNames.RULE_CONTROL);
        assertRefused("a\u007f", FeatureNames.RULE_CONTROL);
        assertRefused("a\u0085b", FeatureNames.RULE_CONTROL);
        String message = assertThrows(InvalidFeatureNameException.class, () -> FeatureNames.check("a\tb")).getMessage();
        assertTrue(message.contains("'a\\u0009b'"), "message shows the name printably: " + message);
    }

    @Test
    void forbiddenCharactersAreRefused() {
        for (String name : List.of("a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "a\"b", "a<b", "a>b",
                "a|b", "a\u2028b", "a\u200bb", "a\ud800b")) {
            assertRefused(name, FeatureNames.RULE_FORBIDDEN_CHARACTER);
        }
        assertMessageNamesTheName("auth api", FeatureNames.RULE_FORBIDDEN_CHARACTER);
    }

    @Test
    void doubleDotsAreRefused() {
        assertMessageNamesTheName("a..b", FeatureNames.RULE_DOUBLE_DOT);
        assertRefused("../escape", FeatureNames.RULE_DOUBLE_DOT);
    }

    @Test
    void absoluteNamesAreRefused() {
        assertMessageNamesTheName("/etc", FeatureNames.RULE_ABSOLUTE);
    }

    @Test
    void emptyPartsAndTrailingSlashesAreRefused() {
        assertMessageNamesTheName("a//b", FeatureNames.RULE_SLASHES);
        assertRefused("a/", FeatureNames.RULE_SLASHES);
    }

    @Test
    void partsStartingWithADotAreRefused() {
        assertMessageNamesTheName(".hidden", FeatureNames.RULE_DOT_COMPONENT);
        assertRefused("ui/.hidden", FeatureNames.RULE_DOT_COMPONENT);
    }

    @Test
    void partsEndingInDotLockAreRefused() {
        assertMessageNamesTheName("a.lock", FeatureNames.RULE_LOCK_SUFFIX);
        assertRefused("a.lock/b", FeatureNames.RULE_LOCK_SUFFIX);
    }

    @Test
    void aTrailingDotIsRefused() {
        assertMessageNamesTheName("auth.", FeatureNames.RULE_TRAILING_DOT);
    }

    @Test
    void atBraceIsRefused() {
        assertMessageNamesTheName("a@{1}", FeatureNames.RULE_AT_BRACE);
    }

    @Test
    void aLoneAtSignIsRefused() {
        assertMessageNamesTheName("@", FeatureNames.RULE_AT_ALONE);
    }

    @Test
    void acceptedNamesAreValidGitBranchesUnderFeature(@TempDir Path temp) {
        List<String> names = List.of("auth-api", "ui/dashboard", "v1.2", "snake_case", "caf\u00e9", "a-b_c.d", "x/y/z", "console", "com10", "nullable", "heads", "my-HEAD",
                "\u65e5\u672c\u8a9e", "emoji-\ud83d\ude00", "a./b", "n".repeat(100));
        for (String name : names) {
            assertEquals(name, FeatureNames.check(name));
            assertTrue(FeatureNames.isValid(name));
            TestRepos.Result r = TestRepos.tryGit(temp, "check-ref-format", "--branch", "feature/" + name);
            assertEquals(0, r.exitCode(), "git accepts feature/" + name + ": " + r.output());
        }
    }

    @Test
    void onlyLettersDigitsDashUnderscoreDotAndSlashAreAllowed() {
        for (String name : List.of("it's&ok!#", "a@b", "a$b", "a%b", "a+b", "a=b", "a,b", "a;b", "a(b)", "a{b}",
                "a]b", "a`b", "a&b", "a!b", "a#b", "\u00bfqu\u00e9")) {
            assertRefused(name, FeatureNames.RULE_ALLOWED_CHARACTERS);
        }
        assertMessageNamesTheName("it's&ok!#", FeatureNames.RULE_ALLOWED_CHARACTERS);
    }

    @Test
    void partsStartingWithADashAreRefused() {
        assertMessageNamesTheName("-rf", FeatureNames.RULE_LEADING_DASH);
        assertRefused("-", FeatureNames.RULE_LEADING_DASH);
        assertRefused("ui/--force", FeatureNames.RULE_LEADING_DASH);
    }

    @Test
    void windowsDeviceNamesAreRefusedWithAnyExtensionAndCase() {
        for (String name : List.of("aux", "AUX", "nul.txt", "Con", "prn.tar.gz", "com1", "COM9.log", "lpt1", "ui/nul",
                "LPT9.x")) {
            assertRefused(name, FeatureNames.RULE_RESERVED_NAME);
        }
        assertMessageNamesTheName("nul.txt", FeatureNames.RULE_RESERVED_NAME);
    }

    @Test
    void gitSpecialNamesAreRefused() {
        for (String name : List.of("HEAD", "head", "ui/HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD")) {
            assertRefused(name, FeatureNames.RULE_GIT_SPECIAL);
        }
        assertMessageNamesTheName("HEAD", FeatureNames.RULE_GIT_SPECIAL);
    }

    @Test
    void theHintInEveryMessageDescribesWhatIsAccepted() {
        String message = assertThrows(InvalidFeatureNameException.class, () -> FeatureNames.check("-rf")).getMessage();
        assertTrue(message.contains("Use letters, digits, '-', '_' and '.'"), message);
        assertTrue(message.contains("starting with '-'"), message);
        assertTrue(message.contains("'auth-api'"), message);
    }
}
