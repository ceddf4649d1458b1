package io.litevfs.engine;

import io.litevfs.engine.internal.replica.ReplicaOperations;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A Litestream replica opened for administrative work: planning and restoring states, importing a local
 * database, and describing what the replica holds.
 *
 * <pre>{@code
 * try (Replica replica = Replica.open("file:///var/lib/replicas/app")) {
 *     RestoreResult r = replica.restore(RestoreTarget.latest(), Path.of("app.db"), false).block();
 * }
 * }</pre>
 *
 * <p>All methods are lazy and do their blocking file work on Reactor's bounded-elastic scheduler, so they may be
 * subscribed from any thread. Instances are thread-safe.
 */
public final class Replica implements AutoCloseable {

    private final StorageClient client;
    private final boolean ownsClient;
    private final ReplicaOperations ops;

    private Replica(StorageClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.ops = new ReplicaOperations(client);
    }

    /**
     * Opens a replica URL with the storage backend found for its scheme.
     *
     * @param url a replica URL such as {@code file:///dir} or {@code s3://bucket/prefix}
     * @return the replica; closing it closes the storage client
     * @throws io.litevfs.storage.StorageException.InvalidLocation for a malformed URL or an unknown option
     */
    public static Replica open(String url) {
        return new Replica(StorageClients.open(url), true);
    }

    /**
     * Wraps an existing storage client, which the caller keeps and closes.
     *
     * @param client the client
     * @return the replica
     */
    public static Replica of(StorageClient client) {
        return new Replica(client, false);
    }

    /** Returns the replica location (safe to print: secrets are redacted by its {@code toString}). */
    public StorageLocation location() {
        return client.location();
    }

    /** Lists every level, 0..9, in parallel; each list in TXID order. */
    public Mono<Map<Integer, List<LtxFileInfo>>> listFiles() {
        return ops.listAll();
    }

    /**
     * Computes the files that build a state.
     *
     * @param target the state
     * @return the plan; {@link ReplicaException.NotAvailable} or {@link ReplicaException.NonContiguous} if it cannot
     *     be built
     */
    public Mono<RestorePlan> plan(RestoreTarget target) {
        return ops.plan(target);
    }

    /**
     * Restores a state to a plain SQLite database file. The file appears atomically once complete; a failure
     * leaves nothing behind.
     *
     * @param target the state
     * @param output the database file to create
     * @param overwrite whether an existing file (and its {@code -wal}, {@code -shm} and {@code -journal}) may be
     *     replaced
     * @return what was restored
     */
    public Mono<RestoreResult> restore(RestoreTarget target, Path output, boolean overwrite) {
        return ops.restore(target, output, overwrite);
    }

    /**
     * Uploads a local SQLite database as a snapshot LTX file at level 0 with the next TXID (1 for an empty
     * replica). The database is read under SQLite's shared lock; the upload is a create-only write, so a
     * concurrent writer makes it fail instead of being overwritten.
     *
     * @param database the local database file
     * @return the file written
     */
    public Mono<ImportResult> importDatabase(Path database) {
        return ops.importDatabase(database);
    }

    /** Describes the replica: levels, TXID range, page size and size of the latest state. */
    public Mono<ReplicaInfo> info() {
        return ops.info();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
