package io.litevfs.storage;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error a {@link StorageClient} signals. Messages say what failed and where (replica location and
 * key) and never contain credentials.
 *
 * <p>{@link #isRetryable()} tells the engine's single retry policy whether trying again may help (throttling,
 * 5xx, timeouts, connection resets). Backends never retry on their own beyond what their SDK does.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * Creates an exception.
     *
     * @param message what failed and where
     * @param cause the underlying error, if any
     * @param retryable whether the operation may succeed if tried again
     */
    public StorageException(String message, @Nullable Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Creates a non-retryable exception. */
    public StorageException(String message, @Nullable Throwable cause) {
        this(message, cause, false);
    }

    /** Creates a non-retryable exception without a cause. */
    public StorageException(String message) {
        this(message, null, false);
    }

    /** Returns whether the operation may succeed if tried again. */
    public boolean isRetryable() {
        return retryable;
    }

    /** The object, file, bucket or replica does not exist. */
    public static class NotFound extends StorageException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public NotFound(String message, @Nullable Throwable cause) {
            super(message, cause, false);
        }

        /** Creates the exception. */
        public NotFound(String message) {
            this(message, null);
        }
    }

    /** A create-only write found the key already taken: someone else wrote it. Nothing was overwritten. */
    public static class AlreadyExists extends StorageException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public AlreadyExists(String message, @Nullable Throwable cause) {
            super(message, cause, false);
        }

        /** Creates the exception. */
        public AlreadyExists(String message) {
            this(message, null);
        }
    }

    /** A conditional write or delete failed: the object changed (or appeared, or vanished) since it was read. */
    public static class PreconditionFailed extends StorageException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public PreconditionFailed(String message, @Nullable Throwable cause) {
            super(message, cause, false);
        }

        /** Creates the exception. */
        public PreconditionFailed(String message) {
            this(message, null);
        }
    }

    /** The store refused the credentials or the operation. */
    public static class AccessDenied extends StorageException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public AccessDenied(String message, @Nullable Throwable cause) {
            super(message, cause, false);
        }
    }

    /** A replica URL or one of its options is invalid. */
    public static class InvalidLocation extends StorageException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public InvalidLocation(String message) {
            super(message, null, false);
        }
    }
}
