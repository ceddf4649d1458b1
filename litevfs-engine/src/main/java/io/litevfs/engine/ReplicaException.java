package io.litevfs.engine;

import org.jspecify.annotations.Nullable;

/**
 * An error about the content of a replica rather than about storage: no restorable state, a gap in the TXID
 * sequence, a corrupt LTX file, a database that cannot be imported. Storage failures are
 * {@link io.litevfs.storage.StorageException}s. Messages name the replica and, where there is one, the file.
 */
public class ReplicaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public ReplicaException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception. */
    public ReplicaException(String message) {
        this(message, null);
    }

    /** The requested state is not (or no longer) in the replica, or the replica holds no LTX files at all. */
    public static class NotAvailable extends ReplicaException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public NotAvailable(String message) {
            super(message);
        }
    }

    /** The TXID sequence of the replica has a gap, so the latest state cannot be built. */
    public static class NonContiguous extends ReplicaException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public NonContiguous(String message) {
            super(message);
        }
    }

    /** An LTX file of the replica is malformed or does not fit the others (page size, range). */
    public static class Corrupt extends ReplicaException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public Corrupt(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
