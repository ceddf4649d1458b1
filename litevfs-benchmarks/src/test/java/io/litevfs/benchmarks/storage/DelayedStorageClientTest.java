package io.litevfs.benchmarks.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

class DelayedStorageClientTest {

    private static final LtxFileInfo FILE = new LtxFileInfo(0, TxId.of(1), TxId.of(1), 4096, null);

    /** A store whose ranged reads answer only when the test says so. */
    private static final class ManualStore implements StorageClient {
        final List<Sinks.One<ByteBuffer>> pending = new ArrayList<>();

        @Override
        public StorageLocation location() {
            return StorageLocation.parse("file:///manual");
        }

        @Override
        public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
            return Mono.defer(() -> {
                Sinks.One<ByteBuffer> sink = Sinks.one();
                pending.add(sink);
                return sink.asMono();
            });
        }

        void answer(int i, int bytes) {
            pending.get(i).tryEmitValue(ByteBuffer.allocate(bytes));
        }

        @Override
        public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
            return Flux.just(FILE);
        }

        @Override
        public Flux<ByteBuffer> read(LtxFileInfo file) {
            return Flux.just(ByteBuffer.allocate(10), ByteBuffer.allocate(5));
        }

        @Override
        public Mono<LtxFileInfo> createLtxFile(
                int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Mono<Void> delete(Collection<LtxFileInfo> files) {
            return Mono.empty();
        }

        @Override
        public Mono<StoredObject> readObject(String name) {
            return Mono.empty();
        }

        @Override
        public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public Mono<Void> deleteObject(String name, WriteCondition condition) {
            return Mono.empty();
        }

        @Override
        public void close() {}
    }

    private static DelayedStorageClient wrap(StorageClient store, Duration delay, RequestStats stats) {
        return new DelayedStorageClient(
                StorageLocation.parse("delayed://local/manual"), store, delay, stats, Schedulers.parallel());
    }

    @Test
    void overlappingRequestsShareOneRoundTripAndLaterOnesStartAnother() {
        ManualStore store = new ManualStore();
        RequestStats stats = new RequestStats();
        DelayedStorageClient client = wrap(store, Duration.ZERO, stats);

        Disposable a = client.readRange(FILE, 0, 100).subscribe();
        Disposable b = client.readRange(FILE, 100, 100).subscribe();
        store.answer(0, 100);
        Disposable c = client.readRange(FILE, 200, 100).subscribe(); // b still in flight: same round trip
        store.answer(1, 100);
        store.answer(2, 50);
        assertThat(stats.snapshot().roundTrips()).isEqualTo(1);
        assertThat(stats.snapshot().maxInFlight()).isEqualTo(2);

        client.readRange(FILE, 300, 100).subscribe(); // nothing in flight: a new round trip
        store.answer(3, 100);
        client.listLtxFiles(0, TxId.ZERO).blockLast();
        client.read(FILE).blockLast();

        RequestStats.Snapshot s = stats.snapshot();
        assertThat(s.rangeReads()).isEqualTo(4);
        assertThat(s.lists()).isEqualTo(1);
        assertThat(s.wholeReads()).isEqualTo(1);
        assertThat(s.requests()).isEqualTo(6);
        assertThat(s.bytes()).isEqualTo(100 + 100 + 50 + 100 + 15);
        assertThat(s.roundTrips()).isEqualTo(4);
        assertThat(s.inFlight()).isZero();
        a.dispose();
        b.dispose();
        c.dispose();
    }

    @Test
    void cancellationEndsTheRequest() {
        ManualStore store = new ManualStore();
        RequestStats stats = new RequestStats();
        DelayedStorageClient client = wrap(store, Duration.ZERO, stats);
        client.readRange(FILE, 0, 1).subscribe().dispose();
        assertThat(stats.snapshot().inFlight()).isZero();
        client.readRange(FILE, 0, 1).subscribe().dispose();
        assertThat(stats.snapshot().roundTrips()).isEqualTo(2);
    }

    @Test
    void theDelayIsATimerSoParallelRequestsOverlap() {
        ManualStore store = new ManualStore();
        RequestStats stats = new RequestStats();
        DelayedStorageClient client = wrap(store, Duration.ofMillis(200), stats);

        List<ByteBuffer> got = Flux.range(0, 8)
                .flatMap(i -> client.listLtxFiles(i, TxId.ZERO).map(f -> ByteBuffer.allocate(1)))
                .collectList()
                .block(Duration.ofSeconds(5));
        assertThat(got).hasSize(8);
        assertThat(stats.snapshot().roundTrips()).isEqualTo(1);
        assertThat(stats.snapshot().maxInFlight()).isEqualTo(8);

        client.listLtxFiles(0, TxId.ZERO).blockLast(Duration.ofSeconds(5));
        client.listLtxFiles(0, TxId.ZERO).blockLast(Duration.ofSeconds(5));
        assertThat(stats.snapshot().roundTrips()).isEqualTo(3);
        stats.reset();
        assertThat(stats.snapshot().requests()).isZero();
    }

    @Test
    void urlsRoundTripThroughTheProvider() {
        Path dir = Path.of("/tmp/some dir/replica");
        String url = DelayedStorageClientProvider.url(dir, 20);
        assertThat(url).isEqualTo("delayed://local/tmp/some%20dir/replica?delay-ms=20");
        StorageLocation location = StorageLocation.parse(url);
        assertThat("/" + location.path()).isEqualTo(dir.toString());
        try (StorageClient c = new DelayedStorageClientProvider().create(location)) {
            assertThat(c).isInstanceOf(DelayedStorageClient.class);
            assertThat(((DelayedStorageClient) c).delay()).isEqualTo(Duration.ofMillis(20));
            assertThat(((DelayedStorageClient) c).stats()).isSameAs(DelayedStorageClientProvider.stats(dir));
        }
    }
}
