package io.litevfs.storage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A precondition on writing or deleting a {@link StoredObject}. Backends implement it with the store's own
 * conditional requests ({@code If-None-Match: *}, {@code If-Match}, generation preconditions, exclusive creates),
 * never with a read followed by a write.
 */
public final class WriteCondition {

    private static final WriteCondition NONE = new WriteCondition(Kind.NONE, null);
    private static final WriteCondition IF_ABSENT = new WriteCondition(Kind.IF_ABSENT, null);

    /** The kind of precondition. */
    public enum Kind {
        /** Unconditional. */
        NONE,
        /** Only if no object exists under the name. */
        IF_ABSENT,
        /** Only if the current object has the given version. */
        IF_MATCH
    }

    private final Kind kind;
    private final @Nullable String version;

    private WriteCondition(Kind kind, @Nullable String version) {
        this.kind = kind;
        this.version = version;
    }

    /** Returns the unconditional precondition. */
    public static WriteCondition none() {
        return NONE;
    }

    /** Returns "only if absent". */
    public static WriteCondition ifAbsent() {
        return IF_ABSENT;
    }

    /**
     * Returns "only if the current version is {@code version}".
     *
     * @param version a version from {@link StoredObject#version()} or from a previous write
     */
    public static WriteCondition ifMatch(String version) {
        return new WriteCondition(Kind.IF_MATCH, Objects.requireNonNull(version, "version"));
    }

    /** Returns the kind. */
    public Kind kind() {
        return kind;
    }

    /** Returns the version for {@link Kind#IF_MATCH}, else {@code null}. */
    public @Nullable String version() {
        return version;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "unconditional";
            case IF_ABSENT -> "if-absent";
            case IF_MATCH -> "if-match " + version;
        };
    }
}
