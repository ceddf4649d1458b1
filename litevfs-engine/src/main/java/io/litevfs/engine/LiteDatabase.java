package io.litevfs.engine;

import io.litevfs.engine.internal.vfs.ReplicaFiles;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * A replica opened as a read-only SQLite database.
 *
 * <p>{@link #query} returns a lazy, back-pressured {@code Flux<Row>}: nothing happens until subscription; the
 * statement is prepared and stepped on the runtime's SQLite threads, one row per requested element; cancelling
 * interrupts SQLite and finalizes the statement. Connections are pooled per database and reused.
 *
 * <p>Thread-safe. Close it to close its idle connections; connections in use close when their query ends.
 */
public final class LiteDatabase implements AutoCloseable {

    private static final AtomicLong CONNECTION_IDS = new AtomicLong();

    private final LiteVfsRuntime runtime;
    private final String url;
    private final @Nullable String pointInTime;
    private final ConcurrentLinkedQueue<Pooled> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    LiteDatabase(LiteVfsRuntime runtime, String url, @Nullable String pointInTime) {
        this.runtime = runtime;
        this.url = url;
        this.pointInTime = pointInTime;
    }

    /** Returns the replica URL as given (may contain secrets: do not log it). */
    public String url() {
        return url;
    }

    /**
     * Runs a query.
     *
     * @param sql one SQL statement
     * @param args values for its {@code ?} parameters: {@code null}, numbers, booleans, strings, {@code byte[]}
     * @return the rows; errors are {@link LiteVfsException}s with SQLite's code and the engine's message
     */
    public Flux<Row> query(String sql, Object... args) {
        Object[] params = args == null ? new Object[] {null} : args.clone();
        return Flux.<Row, Cursor>using(() -> open(sql, params), cursor -> Flux.generate(cursor::next), Cursor::close)
                .subscribeOn(runtime.sqliteScheduler())
                .cancelOn(runtime.sqliteScheduler());
    }

    /**
     * Returns a view of the replica at the state right after a transaction. Its connections read only that
     * state.
     *
     * @param txId the TXID
     * @return the view; queries fail with a message naming the oldest retained TXID if the state is gone
     */
    public LiteDatabase at(TxId txId) {
        return new LiteDatabase(runtime, url, "txid=" + txId);
    }

    /**
     * Returns a view of the replica at a point in time: every LTX file written strictly before it.
     *
     * @param time the point in time
     * @return the view
     */
    public LiteDatabase at(java.time.Instant time) {
        return new LiteDatabase(runtime, url, "at=" + java.time.format.DateTimeFormatter.ISO_INSTANT.format(time));
    }

    /**
     * Returns a view at a point in time given as text: an ISO-8601 instant, a relative time such as {@code "5
     * minutes ago"} (resolved now), or {@code LATEST}.
     *
     * @param time the text
     * @return the view
     * @throws IllegalArgumentException if the text is not a point in time
     */
    public LiteDatabase at(String time) {
        RestoreTarget t = RestoreTarget.parseTime(time, java.time.Clock.systemUTC());
        if (t instanceof RestoreTarget.AtTime at) {
            return at(at.time());
        }
        return new LiteDatabase(runtime, url, null);
    }

    /**
     * Returns a view at a {@link RestoreTarget}.
     *
     * @param target the state
     * @return the view
     */
    public LiteDatabase at(RestoreTarget target) {
        if (target instanceof RestoreTarget.AtTxId t) {
            return at(t.txId());
        }
        if (target instanceof RestoreTarget.AtTime t) {
            return at(t.time());
        }
        return new LiteDatabase(runtime, url, null);
    }

    /** Returns the TXID of the state a new query sees ({@code SELECT litevfs_txid()}). */
    public Mono<TxId> txId() {
        return query("SELECT litevfs_txid()").next().map(r -> TxId.parseCanonical(r.getString(0)));
    }

    private Cursor open(String sql, Object[] params) {
        Pooled conn = acquire();
        SqliteStatement stmt = null;
        try {
            stmt = conn.prepare(sql);
            if (stmt.parameterCount() != params.length) {
                throw new LiteVfsException(
                        SqliteCodes.RANGE,
                        "the statement has " + stmt.parameterCount() + " parameters but " + params.length
                                + " values were given",
                        null);
            }
            for (int i = 0; i < params.length; i++) {
                stmt.bind(i + 1, params[i]);
            }
            return new Cursor(conn, sql, stmt);
        } catch (SqliteException e) {
            if (stmt != null) {
                stmt.close();
            }
            release(conn);
            throw error(e);
        } catch (RuntimeException e) {
            if (stmt != null) {
                stmt.close();
            }
            release(conn);
            throw e;
        }
    }

    private Pooled acquire() {
        if (closed || runtime.isClosed()) {
            throw new IllegalStateException("the database " + ReplicaFiles.redact(url) + " is closed");
        }
        Pooled c = idle.poll();
        if (c != null) {
            return c;
        }
        String id = Long.toString(CONNECTION_IDS.incrementAndGet());
        StringBuilder name = new StringBuilder("file:litevfs.db?vfs=")
                .append(runtime.vfsName())
                .append("&replica=")
                .append(URLEncoder.encode(url, StandardCharsets.UTF_8))
                .append("&litevfs_connection=")
                .append(id);
        if (pointInTime != null) {
            name.append('&').append(pointInTime);
        }
        try {
            SqliteConnection conn = runtime.binding().open(name.toString(), SqliteCodes.OPEN_READONLY, null);
            try {
                conn.createFunction(
                        "litevfs_txid", 0, SqliteCodes.DIRECTONLY, a -> ReplicaFiles.txId(runtime.vfs(), id));
            } catch (SqliteException e) {
                conn.close();
                throw e;
            }
            return new Pooled(conn);
        } catch (SqliteException e) {
            // SQLite's message names the file it was asked to open, whose replica parameter may hold credentials.
            LiteVfsException le = error(e);
            String redacted = "replica " + ReplicaFiles.redact(url);
            throw new LiteVfsException(le.code(), le.getMessage().replace(name.toString(), redacted), e);
        }
    }

    private void release(Pooled conn) {
        if (closed || runtime.isClosed()) {
            conn.close();
        } else {
            idle.offer(conn);
        }
    }

    static LiteVfsException error(SqliteException e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage();
        }
        return new LiteVfsException(e.code(), message, e);
    }

    @Override
    public void close() {
        closed = true;
        Pooled c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }

    /**
     * A pooled connection with its prepared statements, kept by SQL text (least recently used dropped beyond
     * {@link #STATEMENTS}), so a repeated query skips parsing and planning. SQLite re-prepares a kept statement by
     * itself if the schema changed.
     */
    private static final class Pooled {
        static final int STATEMENTS = 32;

        final SqliteConnection conn;
        final java.util.LinkedHashMap<String, SqliteStatement> statements =
                new java.util.LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, SqliteStatement> eldest) {
                        if (size() > STATEMENTS) {
                            eldest.getValue().close();
                            return true;
                        }
                        return false;
                    }
                };

        Pooled(SqliteConnection conn) {
            this.conn = conn;
        }

        SqliteStatement prepare(String sql) throws SqliteException {
            SqliteStatement kept = statements.remove(sql);
            return kept != null ? kept : conn.prepare(sql);
        }

        /** Returns a statement for reuse, or closes it if it cannot be reset. */
        void recycle(String sql, SqliteStatement stmt) {
            try {
                stmt.reset();
                stmt.clearBindings();
                SqliteStatement previous = statements.put(sql, stmt);
                if (previous != null && previous != stmt) {
                    previous.close();
                }
            } catch (SqliteException e) {
                stmt.close();
            }
        }

        void interrupt() {
            conn.interrupt();
        }

        void close() {
            statements.values().forEach(SqliteStatement::close);
            statements.clear();
            try {
                conn.close();
            } catch (SqliteException ignored) {
                // closing releases memory; there is nothing left to lose
            }
        }
    }

    /** An open statement; steps and closing are serialized so a cancel never races a step. */
    private final class Cursor {
        private final Pooled conn;
        private final String sql;
        private final SqliteStatement stmt;
        private final List<String> columns;
        private boolean done;
        private volatile boolean finished;

        Cursor(Pooled conn, String sql, SqliteStatement stmt) {
            this.conn = conn;
            this.sql = sql;
            this.stmt = stmt;
            List<String> names = new ArrayList<>(stmt.columnCount());
            for (int i = 0; i < stmt.columnCount(); i++) {
                names.add(stmt.columnName(i));
            }
            this.columns = Collections.unmodifiableList(names);
        }

        synchronized void next(SynchronousSink<Row> sink) {
            if (done) {
                sink.complete();
                return;
            }
            try {
                if (stmt.step()) {
                    Object[] values = new Object[columns.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = stmt.columnValue(i);
                    }
                    sink.next(new Row(columns, values));
                } else {
                    finished = true;
                    sink.complete();
                }
            } catch (SqliteException e) {
                finished = true;
                sink.error(error(e));
            }
        }

        void close() {
            if (!finished) {
                // Cancelled while SQLite may be stepping (or waiting for a page) on another thread: stop it.
                conn.interrupt();
            }
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                conn.recycle(sql, stmt);
            }
            release(conn);
        }
    }
}
