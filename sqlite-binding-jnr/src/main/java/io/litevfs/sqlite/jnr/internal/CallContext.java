package io.litevfs.sqlite.jnr.internal;

import org.jspecify.annotations.Nullable;

/**
 * The connection whose C API call is running on this thread. SQLite calls the VFS on the thread that called it
 * (the binding pins {@code PRAGMA threads} to 0), so a callback finds "its" connection here: files remember the
 * connection that opened them, and VFS-level callbacks record errors into it.
 */
final class CallContext {

    private static final ThreadLocal<CallContext> CURRENT = ThreadLocal.withInitial(CallContext::new);

    @Nullable
    JnrConnection connection;

    private CallContext() {}

    static CallContext get() {
        return CURRENT.get();
    }

    static @Nullable JnrConnection connection() {
        return CURRENT.get().connection;
    }
}
