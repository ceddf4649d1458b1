package io.litevfs.engine;

import io.litevfs.ltx.TxId;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Names a state of a replica: the latest one, the state right after a TXID, or the state at a point in time.
 *
 * <p>A point in time selects the files whose LTX header timestamp is strictly before it. Header timestamps are
 * used, not store creation times, so the result does not change when a replica is copied without its
 * modification times.
 */
public sealed interface RestoreTarget {

    /** The newest state. */
    record Latest() implements RestoreTarget {
        @Override
        public String toString() {
            return "latest";
        }
    }

    /**
     * The state right after a transaction.
     *
     * @param txId the TXID, at least 1
     */
    record AtTxId(TxId txId) implements RestoreTarget {
        /** Validates the TXID. */
        public AtTxId {
            Objects.requireNonNull(txId, "txId");
            if (txId.isZero()) {
                throw new IllegalArgumentException("TXID 0 names no state; transactions start at 1");
            }
        }

        @Override
        public String toString() {
            return "TXID " + txId;
        }
    }

    /**
     * The state at a point in time: every file written strictly before it.
     *
     * @param time the point in time
     */
    record AtTime(Instant time) implements RestoreTarget {
        /** Validates the time. */
        public AtTime {
            Objects.requireNonNull(time, "time");
        }

        @Override
        public String toString() {
            return "time " + DateTimeFormatter.ISO_INSTANT.format(time);
        }
    }

    /** Returns the latest state. */
    static RestoreTarget latest() {
        return new Latest();
    }

    /** Returns the state right after {@code txId}. */
    static RestoreTarget txId(TxId txId) {
        return new AtTxId(txId);
    }

    /** Returns the state at {@code time}. */
    static RestoreTarget time(Instant time) {
        return new AtTime(time);
    }

    /**
     * Parses a point in time: an ISO-8601 instant with a zone or offset ({@code 2026-11-20T10:00:00Z},
     * {@code 2026-11-20T11:00:00+01:00}), a relative time ({@code 5 minutes ago}, {@code 90 seconds ago},
     * {@code 1 hour ago}; units second, minute, hour, day, week, singular or plural), or {@code LATEST}
     * (any case).
     *
     * @param text the text
     * @param clock the clock that relative times count back from
     * @return the target
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    static RestoreTarget parseTime(String text, Clock clock) {
        return PointInTimeParser.parse(text, clock);
    }
}
