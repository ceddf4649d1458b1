package io.litevfs.sqlite.jnr;

import io.litevfs.sqlite.SqliteBinding;
import io.litevfs.sqlite.SqliteBindingProvider;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.jnr.internal.NativeSqlite;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Provides the jnr-ffi binding ({@code jnr}). Registered in {@code META-INF/services}.
 *
 * <p>The library defaults to the soname {@code libsqlite3.so.0} (Debian's {@code libsqlite3-0}; the bare name
 * {@code sqlite3} only resolves with the {@code -dev} symlink). The system property {@code litevfs.sqlite.library}
 * overrides the default; a non-null {@code library} argument overrides both. Each distinct library is loaded once per
 * process and its binding is kept for the life of the process.
 */
public final class JnrSqliteBindingProvider implements SqliteBindingProvider {

    /** The default library. */
    public static final String DEFAULT_LIBRARY = "libsqlite3.so.0";

    /** System property that overrides {@link #DEFAULT_LIBRARY}. */
    public static final String LIBRARY_PROPERTY = "litevfs.sqlite.library";

    private static final Map<String, JnrSqliteBinding> LOADED = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "jnr";
    }

    @Override
    public JnrSqliteBinding load(@Nullable Path library) throws SqliteException {
        String name = library != null
                ? library.toAbsolutePath().toString()
                : System.getProperty(LIBRARY_PROPERTY, DEFAULT_LIBRARY);
        synchronized (LOADED) {
            JnrSqliteBinding b = LOADED.get(name);
            if (b == null) {
                b = new JnrSqliteBinding(NativeSqlite.load(name));
                LOADED.put(name, b);
            }
            return b;
        }
    }

    /** Loads the default library (see the class comment). */
    public static SqliteBinding loadDefault() throws SqliteException {
        return new JnrSqliteBindingProvider().load(null);
    }
}
