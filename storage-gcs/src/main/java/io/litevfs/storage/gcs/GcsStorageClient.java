package io.litevfs.storage.gcs;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.TimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

/**
 * A {@link StorageClient} for Google Cloud Storage that speaks the JSON API directly over Reactor Netty, in the key
 * layout of Litestream's {@code gs} backend: LTX files at {@code <prefix>/ltx/<level>/<min>-<max>.ltx}, small
 * objects (the lease) at {@code <prefix>/<name>}.
 *
 * <h2>Requests</h2>
 *
 * <ul>
 *   <li>Listing: {@code GET /storage/v1/b/B/o?prefix=<prefix>/ltx/<level>/&delimiter=/&startOffset=<prefix>/ltx/
 *       <level>/<seek as 16 hex digits>&maxResults=1000}, one page per request, the next page ({@code pageToken})
 *       only when the subscriber asks for more than the current page holds. GCS lists names in lexicographic
 *       order, which for fixed-width hex names is (min TXID, max TXID) order; each page is sorted again anyway and
 *       names that are not LTX file names are skipped.
 *   <li>Reads: {@code GET /storage/v1/b/B/o/KEY?alt=media}, with {@code Range: bytes=a-b} for ranged reads. A
 *       range past the end is clipped (416, or a 200 that ignored the range, become the right slice). Whole reads
 *       stream the body in Netty's chunks, following demand.
 *   <li>Writes: media uploads ({@code POST /upload/storage/v1/b/B/o?uploadType=media&name=KEY}) with a
 *       {@code Content-Length}; LTX files with {@code ifGenerationMatch=0} (412 becomes
 *       {@link StorageException.AlreadyExists}), small objects with {@code ifGenerationMatch=0} or
 *       {@code =<generation>} (the object's version is its generation). Content that emits more or fewer bytes than
 *       declared, or fails, aborts the request before it completes, so nothing is created.
 *   <li>Deletes: {@code DELETE /storage/v1/b/B/o/KEY}, eight at a time (the JSON API's batch endpoint takes
 *       multipart/mixed bodies that emulators do not implement); 404 is success.
 * </ul>
 *
 * <h2>Buffers and threads</h2>
 *
 * Response bytes are copied out of Netty's reference-counted buffers into plain heap {@link ByteBuffer}s inside the
 * operator that receives them; Reactor Netty releases its buffers when they have been passed on, on cancellation
 * and on errors, so none escape and none leak. Results are emitted on Netty event-loop threads; nothing here
 * blocks them. Token refreshes run on a bounded-elastic scheduler ({@link GcsAuth}).
 *
 * <h2>Errors</h2>
 *
 * 404 is {@link StorageException.NotFound} (naming the bucket when it is the bucket that is missing), 401 and 403
 * {@link StorageException.AccessDenied}, 412 {@link StorageException.PreconditionFailed} or
 * {@link StorageException.AlreadyExists}; 408, 429, 5xx, timeouts and connection failures are retryable. Messages
 * name the operation, the replica location and the object, never credentials.
 */
public final class GcsStorageClient implements StorageClient {

    /** Names listed per page. */
    static final int PAGE_SIZE = 1000;

    /** Deletes in flight at once for {@link #delete}. */
    static final int DELETE_CONCURRENCY = 8;

    private static final String OCTET_STREAM = "application/octet-stream";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final StorageLocation location;
    private final GcsSettings settings;
    private final String where;
    private final GcsAuth auth;
    private final ConnectionProvider connections;
    private final HttpClient http;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int pageSize = PAGE_SIZE;

    /**
     * Creates a client. No I/O happens here; credentials are loaded by the first request.
     *
     * @param location a {@code gs} location
     * @param settings the resolved settings
     */
    GcsStorageClient(StorageLocation location, GcsSettings settings) {
        this(location, settings, Schedulers.boundedElastic(), Clock.systemUTC());
    }

    GcsStorageClient(StorageLocation location, GcsSettings settings, Scheduler blocking, Clock clock) {
        this.location = Objects.requireNonNull(location, "location");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.where = "[" + location + "]";
        this.auth = new GcsAuth(settings, where, blocking, clock);
        boolean local = settings.endpoint().getScheme().equals("http");
        // Emulators (Node) close idle keep-alive connections after 5 s; GCS keeps them much longer.
        this.connections = ConnectionProvider.builder("litevfs-gcs")
                .maxConnections(64)
                .pendingAcquireMaxCount(4096)
                .pendingAcquireTimeout(RESPONSE_TIMEOUT)
                .maxIdleTime(local ? Duration.ofSeconds(3) : Duration.ofSeconds(50))
                .build();
        HttpClient client = HttpClient.create(connections)
                .baseUrl(settings.endpoint().toString())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .responseTimeout(RESPONSE_TIMEOUT)
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, "litevfs-gcs"));
        if (auth.enabled()) {
            client = client.headersWhen(h -> auth.headers().map(values -> {
                values.forEach(h::set);
                return h;
            }));
        }
        this.http = client;
    }

    /** Sets the number of names listed per page (tests use small pages to exercise pagination). */
    GcsStorageClient pageSize(int size) {
        if (size < 1 || size > PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be 1.." + PAGE_SIZE);
        }
        this.pageSize = size;
        return this;
    }

    @Override
    public StorageLocation location() {
        return location;
    }

    // ---------------------------------------------------------------------------------------------------------
    // LTX files

    @Override
    public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
        LtxFileInfo.checkLevel(level);
        Objects.requireNonNull(seek, "seek");
        String prefix = settings.levelPrefix(level);
        String startOffset = seek.isZero() ? null : prefix + seek;
        return listFrom(level, seek, prefix, startOffset, null);
    }

    private Flux<LtxFileInfo> listFrom(
            int level, TxId seek, String prefix, @Nullable String startOffset, @Nullable String pageToken) {
        return listPage(level, seek, prefix, startOffset, pageToken).flatMapMany(page -> {
            Flux<LtxFileInfo> files = Flux.fromIterable(page.files());
            String next = page.nextPageToken();
            return next == null
                    ? files
                    : files.concatWith(Flux.defer(() -> listFrom(level, seek, prefix, startOffset, next)));
        });
    }

    private record Page(List<LtxFileInfo> files, @Nullable String nextPageToken) {}

    private Mono<Page> listPage(
            int level, TxId seek, String prefix, @Nullable String startOffset, @Nullable String pageToken) {
        StringBuilder uri = new StringBuilder(bucketPath()).append("/o?prefix=").append(encode(prefix));
        uri.append("&delimiter=%2F&maxResults=").append(pageSize);
        uri.append("&fields=").append(encode("items(name,size,timeCreated),nextPageToken"));
        if (startOffset != null) {
            uri.append("&startOffset=").append(encode(startOffset));
        }
        if (pageToken != null) {
            uri.append("&pageToken=").append(encode(pageToken));
        }
        appendUserProject(uri, true);
        String operation = "list ltx files";
        String context = "level " + level;
        return request(operation, context, http.get().uri(uri.toString()).responseSingle((response, body) -> {
            int status = response.status().code();
            if (status == 200) {
                return body.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("{}")
                        .map(text -> parsePage(text, level, seek, prefix, operation, context));
            }
            return fail(response, body, operation, context, Expect.BUCKET);
        }));
    }

    private Page parsePage(String text, int level, TxId seek, String prefix, String operation, String context) {
        JsonObject json;
        try {
            json = JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new StorageException(operation + " failed: malformed listing from " + settings.endpointSource() + " "
                    + describe(context));
        }
        List<LtxFileInfo> files = new ArrayList<>();
        JsonElement items = json.get("items");
        if (items != null && items.isJsonArray()) {
            for (JsonElement item : items.getAsJsonArray()) {
                JsonObject o = item.getAsJsonObject();
                String name = string(o, "name");
                if (name == null || !name.startsWith(prefix)) {
                    continue;
                }
                long size = parseLong(string(o, "size"), 0);
                Optional<LtxFileInfo> file = LtxFileInfo.parse(
                        level, name.substring(prefix.length()), size, instant(string(o, "timeCreated")));
                if (file.isPresent() && !file.get().minTxId().isBefore(seek)) {
                    files.add(file.get());
                }
            }
        }
        files.sort(LtxFileInfo.TXID_ORDER);
        String next = string(json, "nextPageToken");
        return new Page(files, next == null || next.isEmpty() ? null : next);
    }

    @Override
    public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
        StorageClient.checkRangeArguments(file, offset, length);
        String key = ltxKey(file);
        // An empty range still asks for one byte, so that a missing file is reported.
        long last = length == 0 ? offset : (offset > Long.MAX_VALUE - length ? Long.MAX_VALUE : offset + length - 1);
        String operation = "read ltx range";
        String context = key + ", offset " + offset + ", length " + length;
        return request(
                operation,
                context,
                http.headers(h -> h.set(HttpHeaderNames.RANGE, "bytes=" + offset + "-" + last))
                        .get()
                        .uri(mediaUri(key))
                        .responseSingle((response, body) -> {
                            int status = response.status().code();
                            if (status == 206 || status == 200) {
                                long start = status == 206 ? rangeStart(response, offset) : 0;
                                return body.asByteArray()
                                        .defaultIfEmpty(new byte[0])
                                        .map(bytes -> slice(bytes, offset - start, length));
                            }
                            if (status == 416) {
                                return Mono.just(ByteBuffer.allocate(0));
                            }
                            return fail(response, body, operation, context, Expect.OBJECT);
                        }));
    }

    /** Returns the first byte a 206 answer holds, from its Content-Range. */
    private static long rangeStart(HttpClientResponse response, long requested) {
        String range = response.responseHeaders().get(HttpHeaderNames.CONTENT_RANGE);
        if (range == null || !range.startsWith("bytes ")) {
            return requested;
        }
        int dash = range.indexOf('-');
        try {
            return dash < 0
                    ? requested
                    : Long.parseLong(range.substring(6, dash).trim());
        } catch (NumberFormatException e) {
            return requested;
        }
    }

    private static ByteBuffer slice(byte[] bytes, long from, int length) {
        if (from <= 0 && bytes.length <= length) {
            return ByteBuffer.wrap(bytes);
        }
        if (from >= bytes.length || from < 0) {
            return ByteBuffer.allocate(0);
        }
        int n = (int) Math.min(length, bytes.length - from);
        return ByteBuffer.wrap(bytes, (int) from, n).slice();
    }

    @Override
    public Flux<ByteBuffer> read(LtxFileInfo file) {
        Objects.requireNonNull(file, "file");
        String key = ltxKey(file);
        String operation = "read ltx file";
        return requestMany(operation, key, http.get().uri(mediaUri(key)).<ByteBuffer>response((response, body) -> {
            if (response.status().code() == 200) {
                return body.map(GcsStorageClient::copy);
            }
            return this.<ByteBuffer>fail(response, body.aggregate(), operation, key, Expect.OBJECT)
                    .flux();
        }));
    }

    /** Copies a Netty buffer into a heap buffer (Reactor Netty releases the original after this returns). */
    private static ByteBuffer copy(ByteBuf buf) {
        ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
        buf.getBytes(buf.readerIndex(), copy);
        return copy.flip();
    }

    @Override
    public Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        StorageClient.checkCreateArguments(level, minTxId, maxTxId, timestamp, content, length);
        LtxFileInfo file = new LtxFileInfo(level, minTxId, maxTxId, length, null);
        String key = ltxKey(file);
        String operation = "create ltx file";
        return upload(operation, key, content, length, 0L).flatMap(result -> {
            if (result.status() == 412) {
                return Mono.error(new StorageException.AlreadyExists(
                        operation + " failed: " + file.describe() + " already exists " + describe(key)));
            }
            return Mono.just(file.with(length, instant(string(result.json(), "timeCreated"))));
        });
    }

    /** The outcome of an upload: 200 with the object's metadata, or 412. */
    private record Upload(int status, JsonObject json) {}

    /**
     * Uploads content with a media upload. Fails with {@link IllegalArgumentException} if the content emits more or
     * fewer than {@code length} bytes, and with the content's error if it fails; the request is then aborted before
     * its last byte, so the object is not created.
     */
    private Mono<Upload> upload(
            String operation, String key, Flux<ByteBuffer> content, long length, @Nullable Long ifGenerationMatch) {
        StringBuilder uri = new StringBuilder("/upload").append(bucketPath());
        uri.append("/o?uploadType=media&name=").append(encode(key));
        if (ifGenerationMatch != null) {
            uri.append("&ifGenerationMatch=").append(ifGenerationMatch);
        }
        appendUserProject(uri, true);
        return Mono.defer(() -> {
            AtomicReference<Throwable> contentError = new AtomicReference<>();
            Flux<ByteBuf> body = exactly(content, length, key, contentError);
            // No transparent retry: the content can be subscribed to only once.
            Mono<Upload> exchange = http.disableRetry(true)
                    .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, OCTET_STREAM)
                            .set(HttpHeaderNames.CONTENT_LENGTH, length))
                    .post()
                    .uri(uri.toString())
                    .send(length == 0 ? Flux.<ByteBuf>empty() : body)
                    .responseSingle((response, responseBody) -> {
                        int status = response.status().code();
                        if (status == 200 || status == 201) {
                            return responseBody
                                    .asString(StandardCharsets.UTF_8)
                                    .defaultIfEmpty("{}")
                                    .map(text -> new Upload(status, parseObject(text)));
                        }
                        if (status == 412) {
                            return responseBody.then(Mono.just(new Upload(status, new JsonObject())));
                        }
                        return fail(response, responseBody, operation, key, Expect.BUCKET);
                    });
            if (length == 0) {
                // Reactor Netty sends the headers before the body: with Content-Length 0 they alone complete the
                // request, so empty content is verified in full before the request starts.
                exchange = body.then(exchange);
            }
            return request(operation, key, exchange).onErrorMap(e -> {
                Throwable cause = contentError.get();
                return cause != null ? cause : e;
            });
        });
    }

    /**
     * Returns the content as Netty buffers, checked against the declared length. Each chunk is held back until the
     * next one arrives, and the last one until the content has completed with exactly {@code length} bytes, so
     * that the request's final byte is never sent for content that is too long, too short or failing: the request
     * is aborted instead and the object is not created. Empty content is checked before anything is sent, since the
     * headers alone would complete a zero-length request.
     */
    private Flux<ByteBuf> exactly(
            Flux<ByteBuffer> content, long length, String key, AtomicReference<Throwable> contentError) {
        long[] sent = {0};
        ByteBuffer[] held = {null};
        Flux<ByteBuf> body = content.map(Optional::of)
                .concatWith(Mono.just(Optional.empty()))
                .<ByteBuf>handle((item, sink) -> {
                    if (item.isPresent()) {
                        ByteBuffer buf = item.get();
                        long n = buf.remaining();
                        if (sent[0] + n > length) {
                            sink.error(new IllegalArgumentException(
                                    "content emits more than the declared " + length + " bytes " + describe(key)));
                            return;
                        }
                        sent[0] += n;
                        if (n > 0) {
                            ByteBuffer previous = held[0];
                            held[0] = buf.duplicate();
                            if (previous != null) {
                                sink.next(Unpooled.wrappedBuffer(previous));
                            }
                        }
                    } else if (sent[0] != length) {
                        sink.error(new IllegalArgumentException("content emits " + sent[0] + " bytes, not the declared "
                                + length + " " + describe(key)));
                    } else if (held[0] != null) {
                        ByteBuffer last = held[0];
                        held[0] = null;
                        sink.next(Unpooled.wrappedBuffer(last));
                    }
                })
                .doOnError(e -> contentError.compareAndSet(null, e));
        return body;
    }

    @Override
    public Mono<Void> delete(Collection<LtxFileInfo> files) {
        List<String> keys = new ArrayList<>(files.size());
        for (LtxFileInfo file : files) {
            keys.add(ltxKey(file));
        }
        return Flux.fromIterable(keys)
                .flatMap(key -> deleteKey("delete ltx file", key, null).then(), DELETE_CONCURRENCY)
                .then();
    }

    /** Deletes a key; emits true if it existed, false if it did not. 412 becomes PreconditionFailed. */
    private Mono<Boolean> deleteKey(String operation, String key, @Nullable Long ifGenerationMatch) {
        StringBuilder uri = new StringBuilder(objectPath(key));
        char sep = '?';
        if (ifGenerationMatch != null) {
            uri.append("?ifGenerationMatch=").append(ifGenerationMatch);
            sep = '&';
        }
        appendUserProject(uri, sep == '&');
        return request(operation, key, http.delete().uri(uri.toString()).responseSingle((response, body) -> {
            int status = response.status().code();
            if (status == 200 || status == 204) {
                return body.then(Mono.just(true));
            }
            if (status == 412) {
                return body.then(Mono.error(new StorageException.PreconditionFailed(
                        operation + " failed: the object changed (generation is not " + ifGenerationMatch + ") "
                                + describe(key))));
            }
            if (status == 404) {
                return errorText(body)
                        .flatMap(text ->
                                isBucketMissing(text) ? Mono.error(bucketMissing(operation, key)) : Mono.just(false));
            }
            return fail(response, body, operation, key, Expect.OBJECT);
        }));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small objects

    @Override
    public Mono<StoredObject> readObject(String name) {
        String key = settings.key(StorageClient.checkObjectName(name));
        String operation = "read object";
        return request(operation, key, http.get().uri(mediaUri(key)).responseSingle((response, body) -> {
            int status = response.status().code();
            if (status == 200) {
                String generation = response.responseHeaders().get("x-goog-generation");
                if (generation == null) {
                    return body.then(Mono.error(new StorageException(
                            operation + " failed: no x-goog-generation header in the answer " + describe(key))));
                }
                return body.asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(bytes -> new StoredObject(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), generation));
            }
            if (status == 404) {
                return errorText(body)
                        .flatMap(text -> isBucketMissing(text)
                                ? Mono.error(bucketMissing(operation, key))
                                : Mono.<StoredObject>empty());
            }
            return fail(response, body, operation, key, Expect.OBJECT);
        }));
    }

    @Override
    public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
        String key = settings.key(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        ByteBuffer source = data.duplicate();
        byte[] bytes = new byte[source.remaining()];
        source.get(bytes);
        String operation = "write object";
        Long generation;
        switch (condition.kind()) {
            case NONE -> generation = null;
            case IF_ABSENT -> generation = 0L;
            case IF_MATCH -> {
                Long g = generation(condition.version());
                if (g == null) {
                    return Mono.error(() -> new StorageException.PreconditionFailed(operation + " failed: version '"
                            + condition.version() + "' is not a GCS generation, so it cannot match "
                            + describe(key)));
                }
                generation = g;
            }
            default -> throw new IllegalArgumentException("unknown condition " + condition);
        }
        return upload(operation, key, Flux.just(ByteBuffer.wrap(bytes)), bytes.length, generation)
                .flatMap(result -> {
                    if (result.status() == 412) {
                        return Mono.error(new StorageException.PreconditionFailed(
                                operation + " failed: " + condition + " does not hold " + describe(key)));
                    }
                    String g = string(result.json(), "generation");
                    if (g == null) {
                        return Mono.error(new StorageException(
                                operation + " failed: no generation in the answer " + describe(key)));
                    }
                    return Mono.just(g);
                });
    }

    @Override
    public Mono<Void> deleteObject(String name, WriteCondition condition) {
        String key = settings.key(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        String operation = "delete object";
        return switch (condition.kind()) {
            case IF_ABSENT -> throw new IllegalArgumentException("deleteObject does not accept " + condition);
            case NONE -> deleteKey(operation, key, null).then();
            case IF_MATCH -> {
                Long g = generation(condition.version());
                if (g == null) {
                    yield Mono.error(() -> new StorageException.PreconditionFailed(operation + " failed: version '"
                            + condition.version() + "' is not a GCS generation, so it cannot match "
                            + describe(key)));
                }
                yield deleteKey(operation, key, g)
                        .flatMap(existed -> existed
                                ? Mono.<Void>empty()
                                : Mono.error(new StorageException.PreconditionFailed(operation + " failed: " + condition
                                        + " does not hold, the object does not exist " + describe(key))));
            }
        };
    }

    private static @Nullable Long generation(@Nullable String version) {
        if (version == null || version.isEmpty() || version.length() > 19) {
            return null;
        }
        try {
            long g = Long.parseLong(version);
            return g > 0 ? g : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connections.disposeLater().subscribe(null, e -> {});
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests and errors

    /** What a 404 means for an operation. */
    private enum Expect {
        /** The request names a bucket only (listing, upload): 404 means the bucket is missing. */
        BUCKET,
        /** The request names an object: 404 means the object (or the bucket, if GCS says so) is missing. */
        OBJECT
    }

    private <T> Mono<T> request(String operation, String context, Mono<T> exchange) {
        return Mono.defer(() -> closed.get() ? Mono.error(closedError(operation, context)) : exchange)
                .onErrorMap(
                        e -> !(e instanceof StorageException || e instanceof IllegalArgumentException),
                        e -> transportError(operation, context, e));
    }

    private <T> Flux<T> requestMany(String operation, String context, Flux<T> exchange) {
        return Flux.defer(() -> closed.get() ? Flux.error(closedError(operation, context)) : exchange)
                .onErrorMap(
                        e -> !(e instanceof StorageException || e instanceof IllegalArgumentException),
                        e -> transportError(operation, context, e));
    }

    private StorageException closedError(String operation, String context) {
        return new StorageException(operation + " failed: the client is closed " + describe(context));
    }

    private StorageException transportError(String operation, String context, Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null
                && !(cause instanceof ConnectException || cause instanceof UnknownHostException)) {
            cause = cause.getCause();
        }
        String reason;
        if (e instanceof ConnectTimeoutException || cause instanceof ConnectTimeoutException) {
            reason = "cannot connect to GCS at " + settings.endpointSource() + ": connection timed out";
        } else if (cause instanceof ConnectException) {
            String msg = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
            // Netty's native transport says "finishConnect(..) failed with error(-111)" for ECONNREFUSED.
            String why = msg.contains("refused") || msg.contains("(-111)")
                    ? "connection refused"
                    : msg.contains("unreachable") || msg.contains("(-113)") || msg.contains("(-101)")
                            ? "no route to host"
                            : "connection failed (" + msg + ")";
            reason = "cannot connect to GCS at " + settings.endpointSource() + ": " + why;
        } else if (cause instanceof UnknownHostException) {
            reason = "cannot resolve the GCS host " + settings.endpoint().getHost() + " (" + settings.endpointSource()
                    + ")";
        } else if (e instanceof TimeoutException || e instanceof java.util.concurrent.TimeoutException) {
            reason = "no answer from GCS at " + settings.endpointSource() + " within " + RESPONSE_TIMEOUT.toSeconds()
                    + " s";
        } else if (e instanceof PrematureCloseException || e instanceof ClosedChannelException) {
            reason = "GCS at " + settings.endpointSource() + " closed the connection early";
        } else if (e instanceof IOException) {
            reason = "I/O error talking to GCS at " + settings.endpointSource() + ": "
                    + GcsAuth.redactTokens(String.valueOf(e.getMessage()));
        } else {
            return new StorageException(
                    operation + " failed: " + e.getClass().getSimpleName() + ": "
                            + GcsAuth.redactTokens(String.valueOf(e.getMessage())) + " " + describe(context),
                    e,
                    false);
        }
        return new StorageException(operation + " failed: " + reason + " " + describe(context), e, true);
    }

    private <T> Mono<T> fail(
            HttpClientResponse response, ByteBufMono body, String operation, String context, Expect expect) {
        int status = response.status().code();
        return errorText(body).flatMap(text -> Mono.error(httpError(status, text, operation, context, expect)));
    }

    /** Reads an error body as text (at most the first 8 KiB matter). */
    private static Mono<String> errorText(ByteBufMono body) {
        return body.asString(StandardCharsets.UTF_8).defaultIfEmpty("");
    }

    private StorageException httpError(int status, String body, String operation, String context, Expect expect) {
        String message = errorMessage(body);
        String detail = message.isEmpty() ? "" : ": " + message;
        if (status == 404) {
            if (expect == Expect.BUCKET || isBucketMissing(body)) {
                return bucketMissing(operation, context);
            }
            return new StorageException.NotFound(operation + " failed: not found " + describe(context));
        }
        if (status == 401) {
            return new StorageException.AccessDenied(
                    operation + " failed: GCS refused the credentials (HTTP 401" + detail + "; " + credentialsHint()
                            + ") " + describe(context),
                    null);
        }
        if (status == 403) {
            return new StorageException.AccessDenied(
                    operation + " failed: access denied (HTTP 403" + detail + "; " + credentialsHint() + ") "
                            + describe(context),
                    null);
        }
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return new StorageException(
                operation + " failed: HTTP " + status + detail + " " + describe(context), null, retryable);
    }

    private String credentialsHint() {
        return switch (settings.credentials()) {
            case NONE -> "no credentials were sent: credentials=none, an http:// endpoint or STORAGE_EMULATOR_HOST";
            case FILE -> "credentials from " + settings.credentialsFile();
            case DEFAULT -> "Application Default Credentials";
        };
    }

    private StorageException bucketMissing(String operation, String context) {
        return new StorageException.NotFound(operation + " failed: bucket '" + settings.bucket()
                + "' does not exist at " + settings.endpointSource() + " " + describe(context));
    }

    private static boolean isBucketMissing(String body) {
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("bucket does not exist") || lower.contains("nosuchbucket");
    }

    /** Returns GCS's error message from a JSON error body, or the first line of a text body; never long. */
    private static String errorMessage(String body) {
        String text = body.trim();
        if (text.isEmpty()) {
            return "";
        }
        if (text.startsWith("{")) {
            try {
                JsonObject json = JsonParser.parseString(text).getAsJsonObject();
                JsonElement error = json.get("error");
                if (error != null && error.isJsonObject()) {
                    String m = string(error.getAsJsonObject(), "message");
                    if (m != null) {
                        text = m;
                    }
                } else if (error != null && error.isJsonPrimitive()) {
                    text = error.getAsString();
                }
            } catch (RuntimeException e) {
                // not JSON after all: use the text
            }
        }
        int nl = text.indexOf('\n');
        if (nl >= 0) {
            text = text.substring(0, nl);
        }
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return GcsAuth.redactTokens(text.trim());
    }

    private String describe(String context) {
        return "[" + location + ", " + context + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Names, URIs, JSON

    private String ltxKey(LtxFileInfo file) {
        return settings.levelPrefix(file.level()) + file.fileName();
    }

    private String bucketPath() {
        return "/storage/v1/b/" + encode(settings.bucket());
    }

    private String objectPath(String key) {
        return bucketPath() + "/o/" + encode(key);
    }

    private String mediaUri(String key) {
        StringBuilder uri = new StringBuilder(objectPath(key)).append("?alt=media");
        appendUserProject(uri, true);
        return uri.toString();
    }

    private void appendUserProject(StringBuilder uri, boolean hasQuery) {
        if (settings.userProject() != null) {
            uri.append(hasQuery ? '&' : '?').append("userProject=").append(encode(settings.userProject()));
        }
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (so {@code /} becomes {@code %2F}). */
    static String encode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                sb.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private JsonObject parseObject(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            return e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    private static @Nullable String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }

    private static long parseLong(@Nullable String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static @Nullable Instant instant(@Nullable String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
