package io.litevfs.storage;

import io.litevfs.ltx.TxId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads and writes the LTX files of one replica location, in Litestream's key layout for that store.
 *
 * <p><b>Contract</b> (every backend passes the conformance suite in {@code litevfs-testkit}):
 *
 * <ul>
 *   <li>Everything is lazy: nothing is sent before subscription; cancelling aborts the request and releases its
 *       buffers. Implementations are thread-safe, and never block the subscribing thread.
 *   <li>Arguments are checked when a method is called, not when its result is subscribed to: a level outside
 *       0..9, an invalid TXID range, a negative offset or length, or an invalid object name throws
 *       {@link IllegalArgumentException} (and {@code null} throws {@link NullPointerException}) at once.
 *   <li>Buffers handed out are plain heap or direct {@link ByteBuffer}s owned by the caller; no reference-counted
 *       buffer escapes.
 *   <li>Errors are {@link StorageException}s: {@link StorageException.NotFound} for a missing file,
 *       {@link StorageException.AlreadyExists} when a create-only write loses, {@link
 *       StorageException.PreconditionFailed} for a failed condition, {@link StorageException.AccessDenied}, and
 *       {@link StorageException#isRetryable() retryable} ones for throttling, 5xx answers and timeouts. Backends do
 *       not retry beyond their SDK; the engine owns one retry policy.
 *   <li>An LTX file, once written, never changes: create-only writes never overwrite.
 * </ul>
 */
public interface StorageClient extends AutoCloseable {

    /** Returns the location this client serves. */
    StorageLocation location();

    /**
     * Lists the LTX files of one level whose minimum TXID is at least {@code seek}, ordered by (minimum TXID,
     * maximum TXID), whatever order the store lists in. Names that are not LTX file names are skipped. Pages of
     * the listing are requested as the subscriber asks for more.
     *
     * <p>Use {@link TxId#ZERO} to list everything; a poll for new files passes the current TXID plus one, so that
     * it costs one small request.
     *
     * @param level 0..9
     * @param seek the smallest minimum TXID to return
     * @return the files; empty if the level does not exist
     */
    Flux<LtxFileInfo> listLtxFiles(int level, TxId seek);

    /**
     * Reads {@code length} bytes of a file starting at {@code offset}. A range that extends past the end of the file
     * is clipped: the buffer is shorter, and empty when {@code offset >= size}.
     *
     * @param file the file (level and TXIDs identify it; its size is not trusted)
     * @param offset the first byte, {@code >= 0}
     * @param length the number of bytes wanted, {@code >= 0}
     * @return the bytes, positioned at 0; {@link StorageException.NotFound} if the file does not exist
     */
    Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length);

    /**
     * Streams a whole file in chunks of the store's choosing.
     *
     * @param file the file
     * @return the content in order; {@link StorageException.NotFound} if the file does not exist
     */
    Flux<ByteBuffer> read(LtxFileInfo file);

    /**
     * Writes a new LTX file if, and only if, no file with the same level and TXID range exists. The write is atomic:
     * readers see either nothing or the whole file.
     *
     * @param level 0..9
     * @param minTxId first TXID of the file
     * @param maxTxId last TXID of the file
     * @param timestamp the LTX header timestamp; stores that keep a creation time or metadata record it
     * @param content the bytes, subscribed to once
     * @param length the exact number of bytes {@code content} emits
     * @return the written file; {@link StorageException.AlreadyExists} if the key is taken (nothing overwritten);
     *     {@link IllegalArgumentException} if {@code content} emits more or fewer than {@code length} bytes, and an
     *     error (the content's own, or one caused by it) if {@code content} fails; in both cases no file is created
     */
    Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length);

    /**
     * Deletes LTX files, batched where the store allows. Files that do not exist are ignored.
     *
     * @param files the files
     * @return completion
     */
    Mono<Void> delete(Collection<LtxFileInfo> files);

    /**
     * Reads a small object stored beside the LTX tree (for instance the writer lease).
     *
     * @param name a simple name ({@code [A-Za-z0-9._-]+}), relative to the replica root
     * @return the object with its version; empty if it does not exist
     */
    Mono<StoredObject> readObject(String name);

    /**
     * Writes a small object if the condition holds, atomically.
     *
     * @param name a simple name, relative to the replica root
     * @param data the content
     * @param condition {@link WriteCondition#ifAbsent()}, {@link WriteCondition#ifMatch(String)} or none
     * @return the new version, which differs from the replaced one at least when the content differs (an S3 ETag
     *     is a content hash, so writing identical bytes back may yield the same version);
     *     {@link StorageException.PreconditionFailed} if the condition does not hold
     */
    Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition);

    /**
     * Deletes a small object if the condition holds. Deleting a missing object unconditionally succeeds.
     *
     * @param name a simple name, relative to the replica root
     * @param condition none or {@link WriteCondition#ifMatch(String)}; an {@code ifMatch} condition fails if the
     *     object does not exist
     * @return completion; {@link StorageException.PreconditionFailed} if the condition does not hold
     * @throws IllegalArgumentException for {@link WriteCondition#ifAbsent()}, which has no meaning for a delete
     */
    Mono<Void> deleteObject(String name, WriteCondition condition);

    /** Releases connections and threads. Does not throw. */
    @Override
    void close();

    /**
     * Checks the arguments of {@link #readRange}, as every implementation must before doing anything.
     *
     * @throws IllegalArgumentException for a negative offset or length
     * @throws NullPointerException for a missing file
     */
    static void checkRangeArguments(LtxFileInfo file, long offset, int length) {
        java.util.Objects.requireNonNull(file, "file");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative but was " + offset);
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative but was " + length);
        }
    }

    /**
     * Checks the arguments of {@link #createLtxFile}, as every implementation must before doing anything.
     *
     * @throws IllegalArgumentException for a bad level, TXID range or length
     * @throws NullPointerException for a missing argument
     */
    static void checkCreateArguments(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        LtxFileInfo.checkLevel(level);
        java.util.Objects.requireNonNull(minTxId, "minTxId");
        java.util.Objects.requireNonNull(maxTxId, "maxTxId");
        java.util.Objects.requireNonNull(timestamp, "timestamp");
        java.util.Objects.requireNonNull(content, "content");
        if (minTxId.isZero() || maxTxId.isBefore(minTxId)) {
            throw new IllegalArgumentException("invalid TXID range " + minTxId + "-" + maxTxId);
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative but was " + length);
        }
    }

    /**
     * Checks an object name for {@link #readObject}, {@link #writeObject} and {@link #deleteObject}.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is not {@code [A-Za-z0-9._-]+} or is {@code .} or {@code ..}
     */
    static String checkObjectName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("invalid object name '" + name + "'");
        }
        return name;
    }
}
