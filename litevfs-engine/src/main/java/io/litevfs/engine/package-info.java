/**
 * The public engine API.
 *
 * <p>{@link io.litevfs.engine.Replica} opens a replica URL for administrative work: restore plans, restoring to a
 * plain SQLite file, importing a local SQLite file as a snapshot, and describing the replica. {@link
 * io.litevfs.engine.RestoreTarget} names a state: the latest, a TXID, or a point in time. Everything under
 * {@code io.litevfs.engine.internal} is implementation and may change without notice.
 */
@NullMarked
package io.litevfs.engine;

import org.jspecify.annotations.NullMarked;
