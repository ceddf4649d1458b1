package io.litevfs.storage.azure;

import com.azure.core.exception.UnexpectedLengthException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Configuration;
import com.azure.core.util.FluxUtil;
import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * A {@link StorageClient} on Azure Blob Storage (and Azurite), in Litestream's {@code abs} layout: LTX files at
 * {@code <prefix>/ltx/<level in decimal>/<min>-<max>.ltx}, small objects at {@code <prefix>/<name>}.
 *
 * <h2>Requests</h2>
 *
 * Everything runs on the async client of {@code azure-storage-blob} over its Netty HTTP client; nothing blocks and
 * nothing is sent before subscription. The client owns its connection pool and disposes it in {@link #close()}.
 *
 * <ul>
 *   <li><b>Listing</b>: {@code List Blobs} with the level's prefix and, when seeking, {@code startFrom} set to the
 *       first possible name; results are filtered again by TXID (a store that ignores {@code startFrom} still gives
 *       the right answer) and sorted per page. Azure lists names in lexicographic order, which for canonical LTX
 *       names is TXID order, so pages can be emitted as they arrive: the next page is requested only when the
 *       subscriber wants more.
 *   <li><b>Ranged reads</b>: one {@code Get Blob} with {@code x-ms-range}; Azure clips a range that runs past the
 *       end, and answers 416 for one that starts at or after it, which becomes an empty buffer.
 *   <li><b>Create-only writes</b>: {@code Put Blob} with {@code If-None-Match: *}, streaming the content (files
 *       over {@value #SINGLE_UPLOAD_LIMIT} bytes are staged in blocks and committed with the same condition, so the
 *       commit is the atomic step). Azure answers 409 {@code BlobAlreadyExists} or 412 {@code ConditionNotMet} for a
 *       taken name; both become {@link StorageException.AlreadyExists}. The content is counted on its way out and
 *       a wrong length fails the request before it completes, so nothing is created.
 *   <li><b>Small objects</b>: ETags are the versions; conditions are {@code If-None-Match: *} and {@code If-Match}.
 *   <li><b>Deletes</b>: the batch API lives in another artifact, so files are deleted by parallel requests
 *       ({@value #DELETE_CONCURRENCY} at a time); missing ones are ignored.
 * </ul>
 *
 * <h2>Retries</h2>
 *
 * Reads, listings and unconditional deletes use the SDK's retry policy (3 tries, 100 ms to 2 s back-off), since
 * repeating them is harmless. Writes and conditional requests are sent once: the content publisher may only be
 * subscribed once, and a repeated conditional write whose first answer was lost would report a false conflict. The
 * engine decides about those from {@link StorageException#isRetryable()}.
 *
 * <h2>Errors and secrets</h2>
 *
 * A missing container is {@link StorageException.NotFound} naming the container; 401/403 are {@link
 * StorageException.AccessDenied} naming where the credentials came from (never the credentials); 408, 429, 5xx,
 * timeouts and connection failures are retryable. Messages are built here from the status and error code, never
 * from the SDK's exception text, and are scrubbed of the key and SAS token in any case.
 */
public final class AzureStorageClient implements StorageClient {

    /** Files up to this size are uploaded with one {@code Put Blob}; larger ones in blocks. */
    static final long SINGLE_UPLOAD_LIMIT = 256L * 1024 * 1024;

    /** Names per listing page. */
    static final int LIST_PAGE_SIZE = 1000;

    /** Parallel requests of a batch delete. */
    static final int DELETE_CONCURRENCY = 16;

    private static final String LTX_DIR = "ltx/";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(60);
    private static final DownloadRetryOptions DOWNLOAD_RETRY = new DownloadRetryOptions().setMaxRetryRequests(3);

    private final StorageLocation location;
    private final AzureSettings settings;
    private final ConnectionProvider connections;
    private final BlobContainerAsyncClient container;
    private final BlobContainerAsyncClient onceContainer;
    private final long singleUploadLimit;
    private final int pageSize;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();

    /**
     * Creates a client. No I/O happens here.
     *
     * @param location the location, for {@link #location()}
     * @param settings the resolved container, endpoint and credentials
     */
    AzureStorageClient(StorageLocation location, AzureSettings settings) {
        this(location, settings, SINGLE_UPLOAD_LIMIT, LIST_PAGE_SIZE);
    }

    /** For tests: a smaller single-upload limit exercises staged uploads, a smaller page size pagination. */
    AzureStorageClient(StorageLocation location, AzureSettings settings, long singleUploadLimit, int pageSize) {
        this.location = Objects.requireNonNull(location, "location");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.singleUploadLimit = singleUploadLimit;
        this.pageSize = pageSize;
        this.connections = ConnectionProvider.builder("litevfs-azure")
                .maxConnections(128)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        try {
            HttpClient http = new NettyAsyncHttpClientBuilder()
                    .connectionProvider(connections)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .responseTimeout(IO_TIMEOUT)
                    .readTimeout(IO_TIMEOUT)
                    .writeTimeout(IO_TIMEOUT)
                    .build();
            this.container = containerClient(
                    http,
                    new RequestRetryOptions(
                            RetryPolicyType.EXPONENTIAL,
                            3,
                            IO_TIMEOUT,
                            Duration.ofMillis(100),
                            Duration.ofSeconds(2),
                            null));
            this.onceContainer = containerClient(
                    http,
                    new RequestRetryOptions(
                            RetryPolicyType.FIXED,
                            1,
                            Duration.ofHours(1),
                            Duration.ofMillis(1),
                            Duration.ofMillis(1),
                            null));
        } catch (RuntimeException e) {
            connections.dispose();
            throw new StorageException.InvalidLocation(
                    "cannot configure the Azure client for " + location + ": " + scrub(String.valueOf(e.getMessage())));
        }
    }

    private BlobContainerAsyncClient containerClient(HttpClient http, RequestRetryOptions retry) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .endpoint(settings.endpoint())
                .httpClient(http)
                .configuration(Configuration.NONE)
                .retryOptions(retry)
                .addPolicy(new CountingPolicy());
        AzureSettings.Credential credential = settings.credential();
        if (credential instanceof AzureSettings.SharedKey k) {
            builder.credential(new StorageSharedKeyCredential(k.account(), k.key()));
        } else if (credential instanceof AzureSettings.Sas s) {
            builder.sasToken(s.token());
        }
        return builder.buildAsyncClient().getBlobContainerAsyncClient(settings.container());
    }

    @Override
    public StorageLocation location() {
        return location;
    }

    /** Returns the resolved settings (no secrets in its {@code toString}). */
    AzureSettings settings() {
        return settings;
    }

    /** Returns how many HTTP requests (tries included) this client has sent; tests count with it. */
    long requestCount() {
        return requests.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // LTX files

    @Override
    public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
        LtxFileInfo.checkLevel(level);
        Objects.requireNonNull(seek, "seek");
        String dir = levelDir(level);
        return Flux.defer(() -> {
            checkOpen();
            ListBlobsOptions options = new ListBlobsOptions().setPrefix(dir).setMaxResultsPerPage(pageSize);
            if (!seek.isZero()) {
                // Every name of a file whose min is >= seek sorts at or after "<dir><seek>".
                options.setStartFrom(dir + seek);
            }
            return container
                    .listBlobs(options)
                    .byPage()
                    .onErrorMap(e -> error(e, "list ltx files", dir, Conflict.NONE))
                    .concatMapIterable(page -> toFiles(page.getValue(), dir, level, seek), 1);
        });
    }

    private static List<LtxFileInfo> toFiles(List<BlobItem> items, String dir, int level, TxId seek) {
        List<LtxFileInfo> files = new ArrayList<>(items.size());
        for (BlobItem item : items) {
            String name = item.getName();
            if (Boolean.TRUE.equals(item.isPrefix()) || !name.startsWith(dir)) {
                continue;
            }
            String rest = name.substring(dir.length());
            long size = item.getProperties() == null || item.getProperties().getContentLength() == null
                    ? 0
                    : item.getProperties().getContentLength();
            Instant created = item.getProperties() == null
                    ? null
                    : instant(Optional.ofNullable(item.getProperties().getCreationTime())
                            .orElse(item.getProperties().getLastModified()));
            LtxFileInfo.parse(level, rest, size, created)
                    .filter(f -> !f.minTxId().isBefore(seek))
                    .ifPresent(files::add);
        }
        files.sort(LtxFileInfo.TXID_ORDER);
        return files;
    }

    @Override
    public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
        StorageClient.checkRangeArguments(file, offset, length);
        String key = ltxKey(file.level(), file.minTxId(), file.maxTxId());
        return Mono.defer(() -> {
            checkOpen();
            BlobAsyncClient blob = container.getBlobAsyncClient(key);
            if (length == 0) {
                return blob.getPropertiesWithResponse(null)
                        .map(r -> ByteBuffer.allocate(0))
                        .onErrorMap(e -> error(e, "read ltx range", key, Conflict.NONE));
            }
            // Saturate: a range that would end past Long.MAX_VALUE ends there.
            long count = Math.max(1, Math.min(length, Long.MAX_VALUE - offset));
            return blob.downloadStreamWithResponse(new BlobRange(offset, count), DOWNLOAD_RETRY, null, false)
                    .flatMap(r -> {
                        Long size = r.getDeserializedHeaders().getContentLength();
                        return size == null
                                ? FluxUtil.collectBytesInByteBufferStream(r.getValue())
                                : FluxUtil.collectBytesInByteBufferStream(r.getValue(), (int) Math.min(size, length));
                    })
                    .map(ByteBuffer::wrap)
                    .onErrorResume(AzureStorageClient::isInvalidRange, e -> Mono.just(ByteBuffer.allocate(0)))
                    .onErrorMap(e ->
                            error(e, "read ltx range", key, Conflict.NONE, "offset=" + offset + ", length=" + length));
        });
    }

    private static boolean isInvalidRange(Throwable e) {
        return Exceptions.unwrap(e) instanceof BlobStorageException b && b.getStatusCode() == 416;
    }

    @Override
    public Flux<ByteBuffer> read(LtxFileInfo file) {
        Objects.requireNonNull(file, "file");
        String key = ltxKey(file.level(), file.minTxId(), file.maxTxId());
        return Flux.defer(() -> {
            checkOpen();
            return container
                    .getBlobAsyncClient(key)
                    .downloadStreamWithResponse(null, DOWNLOAD_RETRY, null, false)
                    .flatMapMany(r -> r.getValue())
                    .onErrorMap(e -> error(e, "read ltx file", key, Conflict.NONE));
        });
    }

    @Override
    public Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        StorageClient.checkCreateArguments(level, minTxId, maxTxId, timestamp, content, length);
        String key = ltxKey(level, minTxId, maxTxId);
        return Mono.defer(() -> {
            checkOpen();
            AtomicReference<IllegalArgumentException> mismatch = new AtomicReference<>();
            BlobAsyncClient blob = onceContainer.getBlobAsyncClient(key);
            BlobRequestConditions createOnly = new BlobRequestConditions().setIfNoneMatch("*");
            BlobHttpHeaders headers = new BlobHttpHeaders().setContentType("application/octet-stream");
            Mono<OffsetDateTime> upload;
            if (length == 0) {
                // Nothing to stream: check that the content is empty too, then put an empty blob.
                upload = content.reduce(0L, (n, buf) -> n + buf.remaining())
                        .flatMap(n -> n == 0
                                ? blob.getBlockBlobAsyncClient()
                                        .uploadWithResponse(
                                                new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                                                        .setHeaders(headers)
                                                        .setRequestConditions(createOnly))
                                        .map(r -> r.getValue().getLastModified())
                                : Mono.error(lengthMismatch(mismatch, key, 0, "more")));
            } else if (length <= singleUploadLimit) {
                upload = blob.getBlockBlobAsyncClient()
                        .uploadWithResponse(
                                new BlockBlobSimpleUploadOptions(exactly(content, length, key, mismatch), length)
                                        .setHeaders(headers)
                                        .setRequestConditions(createOnly))
                        .map(r -> r.getValue().getLastModified());
            } else {
                long block = Math.min(8L * 1024 * 1024, singleUploadLimit);
                upload = blob.uploadWithResponse(new BlobParallelUploadOptions(exactly(content, length, key, mismatch))
                                .setParallelTransferOptions(new ParallelTransferOptions()
                                        .setBlockSizeLong(block)
                                        .setMaxSingleUploadSizeLong(block)
                                        .setMaxConcurrency(4))
                                .setHeaders(headers)
                                .setRequestConditions(createOnly))
                        .map(r -> r.getValue().getLastModified());
            }
            return upload.map(modified -> new LtxFileInfo(level, minTxId, maxTxId, length, instant(modified)))
                    .onErrorMap(e -> {
                        IllegalArgumentException m = mismatch.get();
                        if (m != null) {
                            return m;
                        }
                        if (Exceptions.unwrap(e) instanceof UnexpectedLengthException u) {
                            return new IllegalArgumentException("content length does not match the declared " + length
                                    + " bytes [blob=" + key + "]: " + u.getMessage());
                        }
                        return error(e, "create ltx file", key, Conflict.ALREADY_EXISTS);
                    });
        });
    }

    /** Passes the content on while counting it; fails with the mismatch as soon as it is known. */
    private static Flux<ByteBuffer> exactly(
            Flux<ByteBuffer> content, long length, String key, AtomicReference<IllegalArgumentException> mismatch) {
        return Flux.defer(() -> {
            long[] seen = {0};
            return content.<ByteBuffer>handle((buf, sink) -> {
                        seen[0] += buf.remaining();
                        if (seen[0] > length) {
                            sink.error(lengthMismatch(mismatch, key, length, "more"));
                        } else {
                            sink.next(buf);
                        }
                    })
                    .concatWith(Mono.defer(() -> seen[0] < length
                            ? Mono.error(lengthMismatch(mismatch, key, length, "fewer"))
                            : Mono.empty()));
        });
    }

    private static IllegalArgumentException lengthMismatch(
            AtomicReference<IllegalArgumentException> mismatch, String key, long length, String moreOrFewer) {
        IllegalArgumentException e = new IllegalArgumentException(
                "content emitted " + moreOrFewer + " than the declared " + length + " bytes [blob=" + key + "]");
        mismatch.compareAndSet(null, e);
        return mismatch.get();
    }

    @Override
    public Mono<Void> delete(Collection<LtxFileInfo> files) {
        List<String> keys = new ArrayList<>(files.size());
        for (LtxFileInfo file : files) {
            keys.add(ltxKey(file.level(), file.minTxId(), file.maxTxId()));
        }
        return Flux.defer(() -> {
                    checkOpen();
                    return Flux.fromIterable(keys);
                })
                .flatMap(
                        key -> container
                                .getBlobAsyncClient(key)
                                .deleteIfExists()
                                .onErrorMap(e -> error(e, "delete ltx file", key, Conflict.NONE)),
                        DELETE_CONCURRENCY)
                .then();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small objects

    @Override
    public Mono<StoredObject> readObject(String name) {
        String key = objectKey(StorageClient.checkObjectName(name));
        return Mono.defer(() -> {
            checkOpen();
            return container
                    .getBlobAsyncClient(key)
                    .downloadContentWithResponse(null, null)
                    .map(r -> new StoredObject(
                            ByteBuffer.wrap(r.getValue().toBytes()).asReadOnlyBuffer(),
                            r.getDeserializedHeaders().getETag()))
                    .onErrorResume(AzureStorageClient::isBlobNotFound, e -> Mono.empty())
                    .onErrorMap(e -> error(e, "read object", key, Conflict.NONE));
        });
    }

    @Override
    public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
        String key = objectKey(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        ByteBuffer source = data.duplicate();
        byte[] bytes = new byte[source.remaining()];
        source.get(bytes);
        BlobRequestConditions conditions = conditions(condition);
        return Mono.defer(() -> {
            checkOpen();
            return onceContainer
                    .getBlobAsyncClient(key)
                    .getBlockBlobAsyncClient()
                    .uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream"))
                            .setRequestConditions(conditions))
                    .map(r -> r.getValue().getETag())
                    .onErrorMap(e -> error(e, "write object", key, conflictFor(condition), "condition=" + condition));
        });
    }

    @Override
    public Mono<Void> deleteObject(String name, WriteCondition condition) {
        String key = objectKey(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        if (condition.kind() == WriteCondition.Kind.IF_ABSENT) {
            throw new IllegalArgumentException("deleteObject does not accept " + condition);
        }
        return Mono.defer(() -> {
            checkOpen();
            if (condition.kind() == WriteCondition.Kind.NONE) {
                return container
                        .getBlobAsyncClient(key)
                        .deleteIfExists()
                        .then()
                        .onErrorMap(e -> error(e, "delete object", key, Conflict.NONE));
            }
            return onceContainer
                    .getBlobAsyncClient(key)
                    .deleteWithResponse(null, conditions(condition))
                    .then()
                    .onErrorMap(e -> error(e, "delete object", key, Conflict.PRECONDITION, "condition=" + condition));
        });
    }

    private static BlobRequestConditions conditions(WriteCondition condition) {
        return switch (condition.kind()) {
            case NONE -> new BlobRequestConditions();
            case IF_ABSENT -> new BlobRequestConditions().setIfNoneMatch("*");
            case IF_MATCH -> new BlobRequestConditions().setIfMatch(condition.version());
        };
    }

    private static Conflict conflictFor(WriteCondition condition) {
        return condition.kind() == WriteCondition.Kind.NONE ? Conflict.NONE : Conflict.PRECONDITION;
    }

    private static boolean isBlobNotFound(Throwable e) {
        return Exceptions.unwrap(e) instanceof BlobStorageException b
                && b.getStatusCode() == 404
                && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(b.getErrorCode());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Errors

    /** What a 409/412 (and, for conditional requests, a 404 of the blob) means for the operation. */
    enum Conflict {
        /** Nothing special: an HTTP error. */
        NONE,
        /** A create-only LTX write lost: {@link StorageException.AlreadyExists}. */
        ALREADY_EXISTS,
        /** A conditional object request failed: {@link StorageException.PreconditionFailed}. */
        PRECONDITION
    }

    /** Maps an error without extra details; see {@link #error(Throwable, String, String, Conflict, String)}. */
    private StorageException error(Throwable t, String operation, String key, Conflict conflict) {
        return error(t, operation, key, conflict, null);
    }

    /**
     * Maps any error of a request to the SPI's exceptions. Messages are built from status and error code only
     * (never from the SDK's exception text, which quotes whole responses), and scrubbed of secrets.
     */
    private StorageException error(
            Throwable error, String operation, String key, Conflict conflict, @Nullable String detail) {
        Throwable t = Exceptions.unwrap(error);
        if (t instanceof StorageException se) {
            return se;
        }
        String where = " [blob=" + key + (detail == null ? "" : ", " + detail) + ", " + settings.where() + "]";
        BlobStorageException bse = find(t, BlobStorageException.class);
        if (bse != null) {
            int status = bse.getStatusCode();
            BlobErrorCode code = bse.getErrorCode();
            String http = "HTTP " + status + (code == null ? "" : " " + code);
            if (status == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                return new StorageException.NotFound(
                        scrub(operation + " failed: container '" + settings.container() + "' does not exist" + where));
            }
            if (conflict == Conflict.ALREADY_EXISTS && (status == 409 || status == 412)) {
                return new StorageException.AlreadyExists(
                        scrub(operation + " failed: the file already exists (" + http + ")" + where));
            }
            if (conflict == Conflict.PRECONDITION && (status == 409 || status == 412 || status == 404)) {
                return new StorageException.PreconditionFailed(
                        scrub(operation + " failed: precondition failed (" + http + ")" + where));
            }
            if (status == 404) {
                return new StorageException.NotFound(scrub(operation + " failed: not found (" + http + ")" + where));
            }
            if (status == 401 || status == 403) {
                return new StorageException.AccessDenied(
                        scrub(operation + " failed: access denied (" + http + "); check the credentials: "
                                + settings.describeCredential() + where),
                        null);
            }
            boolean retryable = status == 408 || status == 429 || status >= 500;
            return new StorageException(
                    scrub(operation + " failed: " + http + serviceMessage(bse) + where), null, retryable);
        }
        UnknownHostException unknownHost = find(t, UnknownHostException.class);
        if (unknownHost != null) {
            return new StorageException(
                    scrub(operation + " failed: unknown host in endpoint " + settings.endpoint() + where),
                    unknownHost,
                    true);
        }
        IOException io = find(t, IOException.class);
        TimeoutException timeout = find(t, TimeoutException.class);
        if (io != null || timeout != null) {
            Throwable cause = io != null ? io : timeout;
            String what = cause.getMessage() == null
                    ? cause.getClass().getSimpleName()
                    : cause.getMessage().replace('\n', ' ');
            return new StorageException(
                    scrub(operation + " failed: cannot reach " + settings.endpoint() + " (" + what + ")" + where),
                    cause,
                    true);
        }
        return new StorageException(scrub(operation + " failed: " + t.getClass().getName() + where), t, false);
    }

    private static String serviceMessage(BlobStorageException e) {
        String m = e.getServiceMessage();
        if (m == null || m.isBlank()) {
            return "";
        }
        String first = m.lines().findFirst().orElse("").trim();
        return first.isEmpty() ? "" : ": " + first;
    }

    private static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
        Throwable c = t;
        for (int i = 0; c != null && i < 8; i++, c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** Removes the key and the SAS token (and any {@code sig=} value) from a message. */
    String scrub(String message) {
        String m = message;
        AzureSettings.Credential credential = settings.credential();
        if (credential instanceof AzureSettings.SharedKey k && !k.key().isEmpty()) {
            m = m.replace(k.key(), "***");
        } else if (credential instanceof AzureSettings.Sas s && !s.token().isEmpty()) {
            m = m.replace(s.token(), "***");
        }
        return m.replaceAll("(?i)(sig=)[^&\\s\"']+", "$1***");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle and helpers

    /** Releases the connection pool. Operations subscribed afterwards fail; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connections.disposeLater().subscribe(null, e -> {});
        }
    }

    @Override
    public String toString() {
        return "AzureStorageClient[" + settings.where() + ", prefix=" + settings.prefix() + "]";
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StorageException("azure storage client is closed [" + settings.where() + "]");
        }
    }

    String levelDir(int level) {
        return settings.prefix() + LTX_DIR + level + "/";
    }

    String ltxKey(int level, TxId min, TxId max) {
        return levelDir(level) + LtxFileInfo.fileName(min, max);
    }

    private String objectKey(String name) {
        return settings.prefix() + name;
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /** Counts every request that reaches the wire (after the retry policy, so each try counts). */
    private final class CountingPolicy implements HttpPipelinePolicy {
        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            requests.incrementAndGet();
            return next.process();
        }

        @Override
        public com.azure.core.http.HttpPipelinePosition getPipelinePosition() {
            return com.azure.core.http.HttpPipelinePosition.PER_RETRY;
        }
    }
}
