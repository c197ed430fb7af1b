package dev.agentorchestrator.spi;

import dev.agentorchestrator.GitException;
import java.util.regex.Pattern;

/** Checks that a value is a full SHA-1 object id, so that records never carry an abbreviation or a ref name. */
final class ObjectIds {

    private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{40}");

    private ObjectIds() {
    }

    static String require(String id, String role) {
        if (id == null || !FULL_ID.matcher(id).matches()) {
            throw new GitException("the " + role + " must be a full 40-character lower-case object id, got '" + id
                    + "'; resolve names with GitRepository.resolve(..) first");
        }
        return id;
    }
}
