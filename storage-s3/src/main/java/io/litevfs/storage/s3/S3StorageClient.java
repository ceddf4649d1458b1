package io.litevfs.storage.s3;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.ResponsePublisher;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link StorageClient} on the AWS SDK v2 {@link S3AsyncClient} (netty-nio-client), in Litestream's S3 layout: LTX
 * files at {@code <prefix>/<level as 4 lowercase hex digits>/<min>-<max>.ltx} (no {@code ltx/} segment, unlike the
 * file backend), small objects (the lease, {@code lock.json}) at {@code <prefix>/<name>}.
 *
 * <h2>Requests</h2>
 *
 * <ul>
 *   <li><b>Listing</b>: ListObjectsV2 of {@code <prefix>/<level>/} with {@code StartAfter=<seek as 16 hex digits>},
 *       so a poll for files after the current TXID costs one small request. The next page is requested only when
 *       the subscriber has taken every file of the previous one. Files come out ordered by (min, max) TXID, which is
 *       the lexicographic order of the names: each page is sorted, and a store whose first page is not in order
 *       (S3 Express directory buckets, some gateways: Litestream issue #1529) is remembered as unordered, after
 *       which its listings are read to the end and sorted before the first file is emitted.
 *   <li><b>Ranged reads</b>: GET with {@code Range: bytes=a-b}; S3 clips a range past the end, and answers 416 for
 *       a range starting at or after it, which is an empty result here. An empty range is a HEAD, so that a missing
 *       file is still {@link StorageException.NotFound}.
 *   <li><b>Whole reads</b> stream the response body as the subscriber requests chunks; cancelling aborts the
 *       connection.
 *   <li><b>Create-only writes</b>: PUT with {@code If-None-Match: *} and an exact {@code Content-Length}, plus the
 *       user metadata {@code litestream-timestamp} (the LTX header time, Go's RFC 3339 with nanoseconds) that
 *       Litestream writes and reads for timestamp restores. 412 is {@link StorageException.AlreadyExists}. Files up
 *       to {@value #BUFFERED_UPLOAD_LIMIT} bytes are gathered in memory first (the length is checked before
 *       anything is sent, and the SDK may retry the request); larger ones stream, without SDK retries, and a
 *       length mismatch aborts the upload so nothing is stored. If a buffered upload gets 412 and the object there
 *       has our MD5 as ETag, an earlier attempt of this very request won (the answer was lost), which is success.
 *   <li><b>Small objects</b>: the version is the ETag; {@code ifAbsent} is {@code If-None-Match: *}, {@code ifMatch}
 *       is {@code If-Match} on PUT and DELETE. 412, and 404 under a condition, are {@link
 *       StorageException.PreconditionFailed}.
 *   <li><b>Batch deletes</b>: DeleteObjects, 1000 keys per request.
 * </ul>
 *
 * <h2>Errors</h2>
 *
 * 404 is {@link StorageException.NotFound} (naming the bucket when the bucket is missing), 412 {@link
 * StorageException.PreconditionFailed}, 403 {@link StorageException.AccessDenied} naming bucket, key and the
 * store's error code; throttling (429, 503 SlowDown), other 5xx, 409 conflicts, timeouts and connection failures
 * are {@linkplain StorageException#isRetryable() retryable}. Messages name the operation, bucket, key and endpoint,
 * never credentials. The SDK retries per its standard mode; the engine's retry policy comes on top.
 *
 * <p>Checksums are computed and validated only when an operation requires them ({@code WHEN_REQUIRED}), which suits
 * S3-compatible stores; LTX files carry their own CRC-64 checksums.
 */
public final class S3StorageClient implements StorageClient {

    /** Create-only uploads up to this size are gathered in memory before the PUT. */
    public static final int BUFFERED_UPLOAD_LIMIT = 16 << 20;

    /** Keys per DeleteObjects request (the S3 maximum). */
    static final int DELETE_BATCH = 1000;

    /** User metadata key (header {@code x-amz-meta-litestream-timestamp}) Litestream writes on upload. */
    public static final String TIMESTAMP_METADATA = "litestream-timestamp";

    private final StorageLocation location;
    private final S3Settings settings;
    private final S3AsyncClient s3;
    private final String root;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean unorderedListings;

    /**
     * Creates a client. Cheap and without I/O.
     *
     * @param location the location, for messages ({@link StorageLocation#toString()} redacts secrets)
     * @param settings the resolved settings
     */
    public S3StorageClient(StorageLocation location, S3Settings settings) {
        this.location = Objects.requireNonNull(location, "location");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroup(EventLoops.shared())
                        .maxConcurrency(256)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(60))
                        .writeTimeout(Duration.ofSeconds(60)))
                .region(Region.of(settings.region()))
                .credentialsProvider(settings.credentials())
                .forcePathStyle(settings.forcePathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.STANDARD)
                        .executionInterceptors(settings.interceptors())
                        .build());
        if (settings.crossRegion()) {
            builder.crossRegionAccessEnabled(true);
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    @Override
    public StorageLocation location() {
        return location;
    }

    /** Returns the resolved settings. */
    public S3Settings settings() {
        return settings;
    }

    /** Returns the key prefix of a level directory: {@code <prefix>/<level as %04x>/}. */
    String levelPrefix(int level) {
        return root + String.format(Locale.ROOT, "%04x/", level);
    }

    /** Returns the key of an LTX file. */
    String ltxKey(int level, TxId min, TxId max) {
        return levelPrefix(level) + LtxFileInfo.fileName(min, max);
    }

    private String objectKey(String name) {
        return root + name;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Listing

    @Override
    public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
        LtxFileInfo.checkLevel(level);
        Objects.requireNonNull(seek, "seek");
        String prefix = levelPrefix(level);
        // Keys of files with min >= seek sort after "<prefix><seek>", those with a smaller min before it.
        String startAfter = seek.isZero() ? null : prefix + seek;
        return Flux.defer(() -> {
            if (unorderedListings) {
                return page(level, prefix, startAfter, seek, null, new ListingState(true));
            }
            return page(level, prefix, startAfter, seek, null, new ListingState(false));
        });
    }

    /** What one listing has seen so far. */
    private static final class ListingState {
        final boolean collectAll;

        @Nullable
        String lastKey;

        int pages;

        ListingState(boolean collectAll) {
            this.collectAll = collectAll;
        }
    }

    private Flux<LtxFileInfo> page(
            int level,
            String prefix,
            @Nullable String startAfter,
            TxId seek,
            @Nullable String token,
            ListingState state) {
        Map<String, String> headers = settings.headers(S3Operation.LIST);
        Mono<ListObjectsV2Response> request = call(
                "list ltx files",
                prefix,
                () -> s3.listObjectsV2(b -> {
                    b.bucket(settings.bucket()).prefix(prefix).maxKeys(settings.maxKeys());
                    if (token != null) {
                        b.continuationToken(token);
                    } else if (startAfter != null) {
                        b.startAfter(startAfter);
                    }
                    b.overrideConfiguration(override(headers));
                }));
        if (state.collectAll) {
            return request.expand(r -> Boolean.TRUE.equals(r.isTruncated()) && r.nextContinuationToken() != null
                            ? call(
                                    "list ltx files",
                                    prefix,
                                    () -> s3.listObjectsV2(b -> b.bucket(settings.bucket())
                                            .prefix(prefix)
                                            .maxKeys(settings.maxKeys())
                                            .continuationToken(r.nextContinuationToken())
                                            .overrideConfiguration(override(headers))))
                            : Mono.empty())
                    .concatMapIterable(r -> parse(level, prefix, seek, r))
                    .collectSortedList(LtxFileInfo.TXID_ORDER)
                    .flatMapIterable(list -> list);
        }
        return request.flatMapMany(r -> {
            List<LtxFileInfo> files = parse(level, prefix, seek, r);
            List<String> keys = keys(r);
            boolean ordered = isSorted(keys)
                    && (state.lastKey == null || keys.isEmpty() || keys.get(0).compareTo(state.lastKey) > 0);
            if (!ordered) {
                // Remember for the following listings; this one can only sort what it has left.
                unorderedListings = true;
                if (state.pages == 0) {
                    return page(level, prefix, startAfter, seek, null, new ListingState(true));
                }
            }
            state.pages++;
            if (!keys.isEmpty()) {
                String last = keys.get(keys.size() - 1);
                state.lastKey = state.lastKey == null || last.compareTo(state.lastKey) > 0 ? last : state.lastKey;
            }
            files.sort(LtxFileInfo.TXID_ORDER);
            Flux<LtxFileInfo> current = Flux.fromIterable(files);
            if (Boolean.TRUE.equals(r.isTruncated()) && r.nextContinuationToken() != null) {
                String next = r.nextContinuationToken();
                return current.concatWith(Flux.defer(() -> page(level, prefix, startAfter, seek, next, state)));
            }
            return current;
        });
    }

    private static List<String> keys(ListObjectsV2Response r) {
        List<String> keys = new ArrayList<>(r.contents().size());
        for (S3Object o : r.contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    private static boolean isSorted(List<String> keys) {
        for (int i = 1; i < keys.size(); i++) {
            if (keys.get(i - 1).compareTo(keys.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static List<LtxFileInfo> parse(int level, String prefix, TxId seek, ListObjectsV2Response r) {
        List<LtxFileInfo> files = new ArrayList<>(r.contents().size());
        for (S3Object o : r.contents()) {
            String key = o.key();
            if (!key.startsWith(prefix)) {
                continue;
            }
            String name = key.substring(prefix.length());
            long size = o.size() == null ? 0 : o.size();
            Optional<LtxFileInfo> parsed = LtxFileInfo.parse(level, name, size, o.lastModified());
            if (parsed.isPresent() && !parsed.get().minTxId().isBefore(seek)) {
                files.add(parsed.get());
            }
        }
        return files;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads

    @Override
    public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
        StorageClient.checkRangeArguments(file, offset, length);
        String key = ltxKey(file.level(), file.minTxId(), file.maxTxId());
        Map<String, String> headers = settings.headers(S3Operation.READ_LTX);
        if (length == 0) {
            return call(
                            "read ltx range",
                            key,
                            () -> s3.headObject(
                                    b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(override(headers))))
                    .map(h -> ByteBuffer.allocate(0));
        }
        long last = offset > Long.MAX_VALUE - length ? Long.MAX_VALUE : offset + length - 1;
        String range = "bytes=" + offset + "-" + last;
        return call(
                        "read ltx range",
                        key,
                        () -> s3.getObject(
                                b -> b.bucket(settings.bucket())
                                        .key(key)
                                        .range(range)
                                        .overrideConfiguration(override(headers)),
                                AsyncResponseTransformer.<GetObjectResponse>toBytes()))
                .map(bytes -> {
                    byte[] data = bytes.asByteArrayUnsafe();
                    int n = Math.min(data.length, length); // a store that ignores the range sends more
                    return ByteBuffer.wrap(data, 0, n).slice();
                })
                .onErrorResume(
                        e -> e instanceof StorageException && statusOf(e.getCause()) == 416,
                        e -> Mono.just(ByteBuffer.allocate(0)));
    }

    @Override
    public Flux<ByteBuffer> read(LtxFileInfo file) {
        Objects.requireNonNull(file, "file");
        String key = ltxKey(file.level(), file.minTxId(), file.maxTxId());
        Map<String, String> headers = settings.headers(S3Operation.READ_LTX);
        return call(
                        "read ltx file",
                        key,
                        () -> s3.getObject(
                                b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(override(headers)),
                                AsyncResponseTransformer.<GetObjectResponse>toPublisher()))
                .flatMapMany((ResponsePublisher<GetObjectResponse> body) -> Flux.from(body)
                        .onErrorMap(e -> !(e instanceof StorageException), e -> error(e, "read ltx file", key)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Create-only writes

    @Override
    public Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        StorageClient.checkCreateArguments(level, minTxId, maxTxId, timestamp, content, length);
        String key = ltxKey(level, minTxId, maxTxId);
        LtxFileInfo created = new LtxFileInfo(level, minTxId, maxTxId, length, timestamp);
        Map<String, String> headers = settings.headers(S3Operation.CREATE_LTX);
        Consumer<PutObjectRequest.Builder> request = b -> b.bucket(settings.bucket())
                .key(key)
                .ifNoneMatch("*")
                .contentLength(length)
                .contentType("application/octet-stream")
                .metadata(Map.of(TIMESTAMP_METADATA, goRfc3339Nano(timestamp)));
        if (length <= BUFFERED_UPLOAD_LIMIT) {
            return gather(content, length, key).flatMap(bytes -> call(
                            "create ltx file",
                            key,
                            () -> s3.putObject(
                                    b -> {
                                        request.accept(b);
                                        b.overrideConfiguration(override(headers));
                                    },
                                    AsyncRequestBody.fromBytesUnsafe(bytes)))
                    .thenReturn(created)
                    .onErrorResume(StorageException.PreconditionFailed.class, e -> wonEarlier(key, bytes)
                            .flatMap(won -> won
                                    ? Mono.just(created)
                                    : Mono.error(new StorageException.AlreadyExists(
                                            "create ltx file failed: already exists " + where(key), e)))));
        }
        // Streamed: the content is subscribed to once, so an SDK retry of this request cannot resend it; that
        // case is reported as a retryable error for the caller to start over.
        return Mono.defer(() -> {
            CountingBody body = new CountingBody(content, length, key);
            return call(
                            "create ltx file",
                            key,
                            () -> s3.putObject(
                                    b -> {
                                        request.accept(b);
                                        b.overrideConfiguration(override(headers));
                                    },
                                    body))
                    .thenReturn(created)
                    .onErrorMap(e -> {
                        Throwable f = body.failure();
                        if (f != null) {
                            return f;
                        }
                        if (body.resubscribed()) {
                            return new StorageException(
                                    "create ltx file failed: the store answered with a retryable error and a streamed"
                                            + " upload cannot be replayed by the SDK " + where(key),
                                    e,
                                    true);
                        }
                        return e;
                    })
                    .onErrorMap(
                            StorageException.PreconditionFailed.class,
                            e -> new StorageException.AlreadyExists(
                                    "create ltx file failed: already exists " + where(key), e));
        });
    }

    /** Collects the content into one array, checking the declared length before anything is sent. */
    private Mono<byte[]> gather(Flux<ByteBuffer> content, long length, String key) {
        return Mono.defer(() -> {
            byte[] out = new byte[(int) length];
            AtomicLong written = new AtomicLong();
            return content.handle((ByteBuffer buf, reactor.core.publisher.SynchronousSink<byte[]> sink) -> {
                        ByteBuffer b = buf.duplicate();
                        long at = written.get();
                        if (at + b.remaining() > length) {
                            sink.error(new IllegalArgumentException(
                                    "content is longer than the declared length " + length + " " + where(key)));
                            return;
                        }
                        b.get(out, (int) at, b.remaining());
                        written.set(at + buf.remaining());
                    })
                    .then(Mono.fromCallable(() -> {
                        if (written.get() != length) {
                            throw new IllegalArgumentException("content emitted " + written.get()
                                    + " bytes but the declared length is " + length + " " + where(key));
                        }
                        return out;
                    }));
        });
    }

    /** Whether the object at {@code key} is exactly {@code bytes} (single-part ETag = MD5), after a lost race. */
    private Mono<Boolean> wonEarlier(String key, byte[] bytes) {
        Map<String, String> headers = settings.headers(S3Operation.CREATE_LTX);
        return call(
                        "create ltx file",
                        key,
                        () -> s3.headObject(
                                b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(override(headers))))
                .map(h -> h.contentLength() != null
                        && h.contentLength() == bytes.length
                        && h.eTag() != null
                        && h.eTag().replace("\"", "").equalsIgnoreCase(md5(bytes)))
                .onErrorReturn(false);
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    /**
     * A request body of a declared length that fails (and so aborts the upload) if the content emits more or fewer
     * bytes; {@link #failure()} keeps the length error so that the caller sees it rather than the SDK's wrapper.
     */
    private final class CountingBody implements AsyncRequestBody {
        private final Flux<ByteBuffer> content;
        private final long length;
        private final String key;
        private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private volatile boolean resubscribed;

        CountingBody(Flux<ByteBuffer> content, long length, String key) {
            this.content = content;
            this.length = length;
            this.key = key;
        }

        @Nullable
        Throwable failure() {
            return failure.get();
        }

        boolean resubscribed() {
            return resubscribed;
        }

        @Override
        public Optional<Long> contentLength() {
            return Optional.of(length);
        }

        @Override
        public String contentType() {
            return "application/octet-stream";
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> s) {
            if (!subscribed.compareAndSet(false, true)) {
                resubscribed = true;
                Flux.<ByteBuffer>error(
                                new IllegalStateException("the content of " + where(key) + " can be sent only once"))
                        .subscribe(s);
                return;
            }
            AtomicLong written = new AtomicLong();
            content.map(ByteBuffer::duplicate)
                    .handle((ByteBuffer b, reactor.core.publisher.SynchronousSink<ByteBuffer> sink) -> {
                        long total = written.addAndGet(b.remaining());
                        if (total > length) {
                            IllegalArgumentException e = new IllegalArgumentException(
                                    "content is longer than the declared length " + length + " " + where(key));
                            failure.compareAndSet(null, e);
                            sink.error(e);
                        } else {
                            sink.next(b);
                        }
                    })
                    .concatWith(Mono.defer(() -> {
                        if (written.get() != length) {
                            IllegalArgumentException e = new IllegalArgumentException("content emitted " + written.get()
                                    + " bytes but the declared length is " + length + " " + where(key));
                            failure.compareAndSet(null, e);
                            return Mono.error(e);
                        }
                        return Mono.empty();
                    }))
                    .doOnError(e -> failure.compareAndSet(null, e))
                    .subscribe(s);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deletes

    @Override
    public Mono<Void> delete(Collection<LtxFileInfo> files) {
        List<ObjectIdentifier> ids = new ArrayList<>(files.size());
        for (LtxFileInfo f : files) {
            ids.add(ObjectIdentifier.builder()
                    .key(ltxKey(f.level(), f.minTxId(), f.maxTxId()))
                    .build());
        }
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        Map<String, String> headers = settings.headers(S3Operation.DELETE_LTX);
        List<List<ObjectIdentifier>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += DELETE_BATCH) {
            batches.add(ids.subList(i, Math.min(ids.size(), i + DELETE_BATCH)));
        }
        return Flux.fromIterable(batches)
                .concatMap(batch -> {
                    String first = batch.get(0).key();
                    return call(
                                    "delete ltx files",
                                    first,
                                    () -> s3.deleteObjects(b -> b.bucket(settings.bucket())
                                            .delete(Delete.builder()
                                                    .objects(batch)
                                                    .quiet(true)
                                                    .build())
                                            .overrideConfiguration(override(headers))))
                            .flatMap(this::checkDeleted);
                })
                .then();
    }

    private Mono<Void> checkDeleted(DeleteObjectsResponse r) {
        for (S3Error e : r.errors()) {
            if (!"NoSuchKey".equals(e.code())) {
                String message = "delete ltx files failed: " + e.code() + " (" + e.message() + ") " + where(e.key());
                boolean retryable = "InternalError".equals(e.code()) || "SlowDown".equals(e.code());
                return Mono.error(
                        "AccessDenied".equals(e.code())
                                ? new StorageException.AccessDenied(message, null)
                                : new StorageException(message, null, retryable));
            }
        }
        return Mono.empty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small objects

    @Override
    public Mono<StoredObject> readObject(String name) {
        String key = objectKey(StorageClient.checkObjectName(name));
        Map<String, String> headers = settings.headers(S3Operation.READ_OBJECT);
        return call(
                        "read object",
                        key,
                        () -> s3.getObject(
                                b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(override(headers)),
                                AsyncResponseTransformer.<GetObjectResponse>toBytes()))
                .map((ResponseBytes<GetObjectResponse> bytes) -> new StoredObject(
                        ByteBuffer.wrap(bytes.asByteArrayUnsafe()).asReadOnlyBuffer(),
                        Objects.requireNonNullElse(bytes.response().eTag(), "")))
                .onErrorResume(e -> e instanceof StorageException.NotFound && !isBucketMissing(e), e -> Mono.empty());
    }

    @Override
    public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
        String key = objectKey(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        ByteBuffer source = data.duplicate();
        byte[] bytes = new byte[source.remaining()];
        source.get(bytes);
        Map<String, String> headers = settings.headers(S3Operation.WRITE_OBJECT);
        return call(
                        "write object",
                        key,
                        () -> s3.putObject(
                                b -> {
                                    b.bucket(settings.bucket())
                                            .key(key)
                                            .contentLength((long) bytes.length)
                                            .overrideConfiguration(override(headers));
                                    if (condition.kind() == WriteCondition.Kind.IF_ABSENT) {
                                        b.ifNoneMatch("*");
                                    } else if (condition.kind() == WriteCondition.Kind.IF_MATCH) {
                                        b.ifMatch(condition.version());
                                    }
                                },
                                AsyncRequestBody.fromBytesUnsafe(bytes)))
                .map(r -> Objects.requireNonNullElse(r.eTag(), ""))
                .onErrorMap(
                        e -> conditionFailed(e, condition), e -> preconditionFailed("write object", key, condition, e));
    }

    @Override
    public Mono<Void> deleteObject(String name, WriteCondition condition) {
        String key = objectKey(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        if (condition.kind() == WriteCondition.Kind.IF_ABSENT) {
            throw new IllegalArgumentException("deleteObject does not accept " + condition);
        }
        Map<String, String> headers = settings.headers(S3Operation.DELETE_OBJECT);
        Mono<Void> delete = call(
                        "delete object",
                        key,
                        () -> s3.deleteObject(b -> {
                            b.bucket(settings.bucket()).key(key).overrideConfiguration(override(headers));
                            if (condition.kind() == WriteCondition.Kind.IF_MATCH) {
                                b.ifMatch(condition.version());
                            }
                        }))
                .then();
        if (condition.kind() == WriteCondition.Kind.IF_MATCH) {
            // Stores differ on a conditional DELETE of a missing key (S3Proxy answers 204 without looking), so a
            // conditional HEAD first makes "missing" and "changed" fail everywhere; the DELETE itself stays
            // conditional, so a change between the two requests is still caught by the store.
            delete = call(
                            "delete object",
                            key,
                            () -> s3.headObject(b -> b.bucket(settings.bucket())
                                    .key(key)
                                    .ifMatch(condition.version())
                                    .overrideConfiguration(override(headers))))
                    .then(delete);
        }
        return delete.onErrorMap(
                e -> conditionFailed(e, condition), e -> preconditionFailed("delete object", key, condition, e));
    }

    private static boolean conditionFailed(Throwable e, WriteCondition condition) {
        if (condition.kind() == WriteCondition.Kind.NONE) {
            return false;
        }
        return e instanceof StorageException.PreconditionFailed
                || (e instanceof StorageException.NotFound && !isBucketMissing(e));
    }

    private StorageException preconditionFailed(String operation, String key, WriteCondition condition, Throwable e) {
        String why = e instanceof StorageException.NotFound ? "object does not exist" : "condition does not hold";
        return new StorageException.PreconditionFailed(
                operation + " failed: " + why + " " + where(key, "condition=" + condition), e);
    }

    private static boolean isBucketMissing(Throwable e) {
        return e.getCause() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException ase
                && ase.awsErrorDetails() != null
                && "NoSuchBucket".equals(ase.awsErrorDetails().errorCode());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Plumbing

    /**
     * Sends a request lazily: nothing before subscription, and cancelling the subscription cancels the SDK future,
     * which aborts the request and releases its connection.
     */
    private <T> Mono<T> call(String operation, String key, Supplier<CompletableFuture<T>> request) {
        return Mono.defer(() -> {
                    if (closed.get()) {
                        return Mono.error(new StorageException(
                                operation + " failed: the S3 storage client is closed " + where(key)));
                    }
                    return Mono.fromFuture(request, false);
                })
                .onErrorMap(
                        e -> !(e instanceof StorageException) && !(e instanceof IllegalArgumentException),
                        e -> error(e, operation, key));
    }

    private static AwsRequestOverrideConfiguration override(Map<String, String> headers) {
        AwsRequestOverrideConfiguration.Builder b = AwsRequestOverrideConfiguration.builder();
        headers.forEach(b::putHeader);
        return b.build();
    }

    /** Returns {@code [bucket=…, key=…, endpoint=…]}. */
    String where(@Nullable String key) {
        return where(key, null);
    }

    private String where(@Nullable String key, @Nullable String more) {
        return "[bucket=" + settings.bucket() + (key == null ? "" : ", key=" + key) + ", endpoint="
                + settings.endpointDescription() + (more == null ? "" : ", " + more) + "]";
    }

    /** Maps an SDK error to the SPI's exception types; see the class comment. */
    StorageException error(Throwable t, String operation, String key) {
        return S3Errors.map(t, operation, settings, where(key), key);
    }

    private static int statusOf(@Nullable Throwable t) {
        return S3Errors.status(t);
    }

    /**
     * Formats a time like Go's {@code time.RFC3339Nano} in UTC, as Litestream does for {@value #TIMESTAMP_METADATA}:
     * fractional seconds with trailing zeros removed, none when zero.
     */
    static String goRfc3339Nano(Instant t) {
        String base = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT)
                .withZone(ZoneOffset.UTC)
                .format(t);
        int nanos = t.getNano();
        if (nanos == 0) {
            return base + "Z";
        }
        String frac = String.format(Locale.ROOT, "%09d", nanos).replaceAll("0+$", "");
        return base + "." + frac + "Z";
    }

    /** Closes the SDK client, its connections and threads, and credential providers it owns. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            s3.close();
            if (settings.closeCredentials() && settings.credentials() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // nothing to do
                }
            }
        }
    }

    @Override
    public String toString() {
        return "S3StorageClient[" + location + ", " + settings + "]";
    }
}
