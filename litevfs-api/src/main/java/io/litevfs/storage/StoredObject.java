package io.litevfs.storage;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A small named object beside the LTX tree (a lease, for instance) with the version the store gave it.
 *
 * @param data the content; a read-only buffer positioned at 0
 * @param version an opaque version (an ETag, a generation, a content hash) to use with {@link WriteCondition#ifMatch}
 */
public record StoredObject(ByteBuffer data, String version) {
    /** Validates the components. */
    public StoredObject {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(version, "version");
    }
}
