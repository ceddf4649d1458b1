package io.litevfs.engine;

import io.litevfs.ltx.TxId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Something a follower did or ran into, for logs and metrics: versions applied, polls that failed, gaps it
 * recovered from.
 *
 * @param type what happened
 * @param txId the TXID concerned, if any
 * @param message a human-readable description (no secrets)
 * @param at when it happened
 */
public record ReplicaEvent(Type type, @Nullable TxId txId, String message, Instant at) {

    /** Kinds of events. */
    public enum Type {
        /** A new version was applied. */
        VERSION,
        /** A poll failed; the follower keeps polling. */
        POLL_FAILED,
        /**
         * Level 0 had a gap (its files were compacted into a higher level and deleted before the follower saw them);
         * the follower rebuilt its state from the higher levels.
         */
        RECOVERED
    }
}
