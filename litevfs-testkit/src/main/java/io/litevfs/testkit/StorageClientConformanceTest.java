package io.litevfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

/**
 * The contract every {@link StorageClient} must pass. A backend's test extends this class and implements
 * {@link #createClient()}, returning a client on a fresh, empty location (a new temporary directory, a random key
 * prefix); each test gets its own client and closes it afterwards.
 *
 * <pre>{@code
 * class S3StorageClientConformanceIT extends StorageClientConformanceTest {
 *     @Override
 *     protected StorageClient createClient() {
 *         return StorageClients.open("s3://test-bucket/" + UUID.randomUUID() + "?endpoint=" + s3proxy.endpoint());
 *     }
 * }
 * }</pre>
 *
 * <p>What it checks: listings ordered by (min, max) TXID as unsigned numbers whatever the write order, seeking,
 * isolation of levels 0..9, laziness, ranged reads (inside, up to and past the end, empty ranges), {@link
 * StorageException.NotFound}, whole streamed reads of files larger than 1 MiB, create-only writes (a second write
 * and 16 racing writers, twenty times over, with exactly one winner whose content is intact), rejection of a wrong
 * declared length, small objects with {@code ifAbsent} and {@code ifMatch} conditions (also under a race of 16),
 * batch deletes, argument checks, and that cancelled reads leave the client usable.
 *
 * <p>Every wait is a {@link StepVerifier} bounded by {@link #timeout()}; override it for slow emulators. Backends add
 * their own specific tests in the subclass, using the helpers here.
 */
public abstract class StorageClientConformanceTest {

    /** The LTX timestamp the tests write with (whole milliseconds, so every store can keep it exactly). */
    protected static final Instant TIMESTAMP = Instant.parse("2026-11-20T10:00:00.123Z");

    /** Size of the chunks test content is emitted in. */
    protected static final int CONTENT_CHUNK = 16 * 1024;

    private static final int RACERS = 16;
    private static final int RACE_ROUNDS = 20;

    private @Nullable StorageClient client;

    /** Creates the test; subclasses are instantiated by JUnit. */
    protected StorageClientConformanceTest() {}

    /**
     * Returns a new client on a fresh, empty location. Called once per test, before the test runs.
     *
     * @return the client
     * @throws Exception if the location cannot be prepared
     */
    protected abstract StorageClient createClient() throws Exception;

    /** Returns how long any single step may take; 30 seconds unless overridden. */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /** Returns the client of the running test. */
    protected final StorageClient client() {
        StorageClient c = client;
        if (c == null) {
            throw new IllegalStateException("no client: createClient() has not run");
        }
        return c;
    }

    @BeforeEach
    final void openClient() throws Exception {
        client = createClient();
    }

    @AfterEach
    final void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Listing

    @Test
    void listLtxFiles_writtenOutOfOrder_returnsUnsignedTxIdOrder() {
        long high = 0xff00_0000_0000_0001L; // negative as a signed long
        long[][] ranges = {{5, 5}, {high, high}, {1, 1}, {3, 4}, {2, 2}, {1, 4}};
        for (long[] r : ranges) {
            write(0, r[0], r[1], bytes(10 + (int) (r[1] & 0xff), r[0]));
        }

        List<LtxFileInfo> files = list(0, TxId.ZERO);

        assertThat(files)
                .extracting(LtxFileInfo::fileName)
                .containsExactly(
                        "0000000000000001-0000000000000001.ltx",
                        "0000000000000001-0000000000000004.ltx",
                        "0000000000000002-0000000000000002.ltx",
                        "0000000000000003-0000000000000004.ltx",
                        "0000000000000005-0000000000000005.ltx",
                        "ff00000000000001-ff00000000000001.ltx");
        assertThat(files).allSatisfy(f -> {
            assertThat(f.level()).isZero();
            assertThat(f.size()).isEqualTo(10 + (f.maxTxId().value() & 0xff));
        });
    }

    @Test
    void listLtxFiles_seek_returnsFilesWhoseMinIsAtLeastSeek() {
        long[][] ranges = {{10, 10}, {1, 1}, {5, 9}, {2, 3}, {4, 4}};
        for (long[] r : ranges) {
            write(3, r[0], r[1], bytes(7, r[0]));
        }

        assertThat(mins(list(3, TxId.ZERO))).containsExactly(1L, 2L, 4L, 5L, 10L);
        assertThat(mins(list(3, TxId.of(1)))).containsExactly(1L, 2L, 4L, 5L, 10L);
        assertThat(mins(list(3, TxId.of(2)))).containsExactly(2L, 4L, 5L, 10L);
        assertThat(mins(list(3, TxId.of(3)))).containsExactly(4L, 5L, 10L);
        assertThat(mins(list(3, TxId.of(6)))).containsExactly(10L);
        assertThat(mins(list(3, TxId.of(10)))).containsExactly(10L);
        assertThat(list(3, TxId.of(11))).isEmpty();
        assertThat(list(3, TxId.MAX)).isEmpty();
    }

    @Test
    void listLtxFiles_eachLevel_seesOnlyItsOwnFiles() {
        for (int level = 0; level <= LtxFileInfo.MAX_LEVEL; level++) {
            write(level, 1, 1, bytes(100 + level, level));
            write(level, 20 + level, 20 + level, bytes(5, level));
        }

        for (int level = 0; level <= LtxFileInfo.MAX_LEVEL; level++) {
            List<LtxFileInfo> files = list(level, TxId.ZERO);
            int l = level;
            assertThat(files).allSatisfy(f -> assertThat(f.level()).isEqualTo(l));
            assertThat(mins(files)).containsExactly(1L, 20L + level);
            assertThat(readAll(files.get(0))).isEqualTo(bytes(100 + level, level));
        }
    }

    @Test
    void listLtxFiles_emptyLocation_completesEmpty() {
        for (int level = 0; level <= LtxFileInfo.MAX_LEVEL; level++) {
            assertThat(list(level, TxId.ZERO)).isEmpty();
        }
    }

    @Test
    void listLtxFiles_objectsBesideTheTree_areNotListed() {
        await(client().writeObject("lock.json", utf8("{}"), WriteCondition.none()));
        write(0, 1, 1, bytes(3, 1));

        assertThat(mins(list(0, TxId.ZERO))).containsExactly(1L);
        for (int level = 1; level <= LtxFileInfo.MAX_LEVEL; level++) {
            assertThat(list(level, TxId.ZERO)).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Laziness and argument checks

    @Test
    void operations_notSubscribed_doNothing() {
        LtxFileInfo existing = write(0, 1, 1, bytes(10, 1));
        await(client().writeObject("lease", utf8("a"), WriteCondition.none()));
        PublisherProbe<ByteBuffer> content = PublisherProbe.of(chunks(bytes(10, 2)));

        Mono<LtxFileInfo> create = client().createLtxFile(0, TxId.of(2), TxId.of(2), TIMESTAMP, content.flux(), 10);
        client().delete(List.of(existing));
        client().writeObject("lease", utf8("b"), WriteCondition.none());
        client().writeObject("other", utf8("c"), WriteCondition.ifAbsent());
        client().deleteObject("lease", WriteCondition.none());
        client().read(info(0, 99, 99));
        client().readRange(info(0, 99, 99), 0, 10);
        client().listLtxFiles(0, TxId.ZERO);

        content.assertWasNotSubscribed();
        assertThat(mins(list(0, TxId.ZERO))).containsExactly(1L);
        assertThat(objectText("lease")).isEqualTo("a");
        assertThat(awaitOptional(client().readObject("other"))).isNull();

        await(create);
        content.assertWasSubscribed();
        assertThat(mins(list(0, TxId.ZERO))).containsExactly(1L, 2L);
    }

    @Test
    void arguments_invalid_throwAtCallTime() {
        LtxFileInfo file = info(0, 1, 1);
        Flux<ByteBuffer> empty = Flux.empty();
        assertThatThrownBy(() -> client().listLtxFiles(10, TxId.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().listLtxFiles(-1, TxId.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().readRange(file, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().readRange(file, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().createLtxFile(10, TxId.of(1), TxId.of(1), TIMESTAMP, empty, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().createLtxFile(0, TxId.of(2), TxId.of(1), TIMESTAMP, empty, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().createLtxFile(0, TxId.ZERO, TxId.of(1), TIMESTAMP, empty, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, empty, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().readObject("../escape")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().writeObject("a/b", utf8("x"), WriteCondition.none()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().deleteObject("..", WriteCondition.none()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client().deleteObject("lease", WriteCondition.ifAbsent()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads

    @Test
    void readRange_variousRanges_returnsClippedSlices() {
        byte[] data = bytes(10_000, 42);
        LtxFileInfo file = write(1, 7, 8, data);

        assertRange(file, 0, 10_000, data, 0, 10_000);
        assertRange(file, 100, 1000, data, 100, 1100);
        assertRange(file, 9000, 1000, data, 9000, 10_000);
        assertRange(file, 9500, 1000, data, 9500, 10_000);
        assertRange(file, 0, Integer.MAX_VALUE, data, 0, 10_000);
        assertRange(file, 9999, 1, data, 9999, 10_000);
        assertRange(file, 50, 0, data, 50, 50);
        assertRange(file, 10_000, 10, data, 0, 0);
        assertRange(file, 20_000, 10, data, 0, 0);
        assertRange(file, Long.MAX_VALUE, 10, data, 0, 0);
    }

    @Test
    void readRange_fileInfoWithWrongSize_readsByIdentity() {
        byte[] data = bytes(3000, 5);
        write(0, 4, 4, data);

        assertRange(info(0, 4, 4), 1000, 1000, data, 1000, 2000);
        assertThat(readAll(info(0, 4, 4))).isEqualTo(data);
    }

    @Test
    void readRange_missingFile_signalsNotFound() {
        write(0, 1, 1, bytes(10, 1));

        awaitError(client().readRange(info(0, 2, 2), 0, 10), StorageException.NotFound.class);
        awaitError(client().readRange(info(1, 1, 1), 0, 10), StorageException.NotFound.class);
        awaitError(client().readRange(info(0, 1, 2), 0, 0), StorageException.NotFound.class);
    }

    @Test
    void read_missingFile_signalsNotFound() {
        write(0, 1, 1, bytes(10, 1));

        awaitError(client().read(info(0, 2, 2)), StorageException.NotFound.class);
        awaitError(client().read(info(5, 1, 1)), StorageException.NotFound.class);
    }

    @Test
    void read_largeFile_streamsTheWrittenContent() {
        byte[] data = bytes(3 * 512 * 1024 + 123, 7);
        LtxFileInfo written = write(9, 1, 300, data);

        assertThat(written.size()).isEqualTo(data.length);
        assertThat(readAll(written)).isEqualTo(data);
        assertThat(list(9, TxId.ZERO)).singleElement().satisfies(f -> assertThat(f.size())
                .isEqualTo(data.length));
    }

    @Test
    void read_concurrentRangedReads_eachGetsItsSlice() {
        byte[] data = bytes(256 * 1024, 11);
        LtxFileInfo file = write(0, 1, 1, data);

        List<Boolean> matches = await(Flux.range(0, 32)
                .flatMap(
                        i -> client().readRange(file, i * 8000L, 4096)
                                .map(buf -> Arrays.equals(
                                        toArray(buf), Arrays.copyOfRange(data, i * 8000, i * 8000 + 4096))),
                        32)
                .collectList());

        assertThat(matches).hasSize(32).containsOnly(true);
    }

    @Test
    void read_cancelledMidStream_leavesClientUsable() {
        byte[] data = bytes(2 * 1024 * 1024, 3);
        LtxFileInfo file = write(0, 1, 1, data);

        for (int i = 0; i < 64; i++) {
            StepVerifier.create(client().read(file), 1)
                    .expectNextCount(1)
                    .thenCancel()
                    .verify(timeout());
        }

        assertThat(readAll(file)).isEqualTo(data);
        write(0, 2, 2, bytes(10, 2));
        assertThat(mins(list(0, TxId.ZERO))).containsExactly(1L, 2L);
    }

    @Test
    void readRange_cancelled_leavesClientUsable() {
        byte[] data = bytes(100_000, 4);
        LtxFileInfo file = write(0, 1, 1, data);

        for (int i = 0; i < 64; i++) {
            StepVerifier.create(client().readRange(file, i * 1000L, 50_000))
                    .thenCancel()
                    .verify(timeout());
        }

        assertRange(file, 10, 20, data, 10, 30);
        write(0, 2, 2, bytes(10, 2));
        assertThat(mins(list(0, TxId.ZERO))).containsExactly(1L, 2L);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Create-only writes

    @Test
    void createLtxFile_newKey_returnsTheFile() {
        byte[] data = bytes(5000, 8);

        LtxFileInfo file = await(client().createLtxFile(2, TxId.of(3), TxId.of(9), TIMESTAMP, chunks(data), 5000));

        assertThat(file.level()).isEqualTo(2);
        assertThat(file.minTxId()).isEqualTo(TxId.of(3));
        assertThat(file.maxTxId()).isEqualTo(TxId.of(9));
        assertThat(file.size()).isEqualTo(5000);
        assertThat(readAll(file)).isEqualTo(data);
    }

    @Test
    void createLtxFile_emptyContent_storesAnEmptyFile() {
        LtxFileInfo file = write(0, 1, 1, new byte[0]);

        assertThat(file.size()).isZero();
        assertThat(readAll(file)).isEmpty();
        assertRange(file, 0, 10, new byte[0], 0, 0);
        assertThat(list(0, TxId.ZERO)).singleElement().satisfies(f -> assertThat(f.size())
                .isZero());
    }

    @Test
    void createLtxFile_existingKey_signalsAlreadyExistsAndKeepsContent() {
        byte[] first = bytes(1000, 1);
        write(0, 5, 5, first);

        awaitError(
                client().createLtxFile(0, TxId.of(5), TxId.of(5), TIMESTAMP, chunks(bytes(1000, 2)), 1000),
                StorageException.AlreadyExists.class);
        awaitError(
                client().createLtxFile(0, TxId.of(5), TxId.of(5), TIMESTAMP, chunks(bytes(20, 3)), 20),
                StorageException.AlreadyExists.class);

        assertThat(readAll(info(0, 5, 5))).isEqualTo(first);
        assertThat(list(0, TxId.ZERO)).hasSize(1);
    }

    @Test
    void createLtxFile_sameTxIdsOnOtherLevel_isAnotherKey() {
        write(0, 5, 5, bytes(10, 1));

        write(1, 5, 5, bytes(20, 2));

        assertThat(readAll(info(1, 5, 5))).isEqualTo(bytes(20, 2));
        assertThat(readAll(info(0, 5, 5))).isEqualTo(bytes(10, 1));
    }

    @Test
    void createLtxFile_sixteenConcurrentWriters_exactlyOneWinsEachRound() {
        for (int round = 1; round <= RACE_ROUNDS; round++) {
            TxId txid = TxId.of(round);
            int r = round;
            // Small bodies make the writers reach their commit together; larger ones interleave their uploads.
            int size = round % 2 == 0 ? 3 * CONTENT_CHUNK : 100;
            List<byte[]> contents = IntStream.range(0, RACERS)
                    .mapToObj(i -> bytes(size + i, r * 1000L + i))
                    .collect(Collectors.toList());
            Sinks.Empty<Void> gate = Sinks.empty();
            // Each writer's content waits for the gate and then continues on its own thread, so all writers are
            // in flight at once and their bodies are written concurrently.
            Mono<List<Integer>> race = Flux.range(0, RACERS)
                    .flatMap(
                            i -> client().createLtxFile(
                                            0,
                                            txid,
                                            txid,
                                            TIMESTAMP,
                                            chunks(contents.get(i))
                                                    .delaySubscription(
                                                            gate.asMono().publishOn(Schedulers.boundedElastic())),
                                            contents.get(i).length)
                                    .map(file -> i)
                                    .onErrorResume(StorageException.AlreadyExists.class, e -> Mono.just(-1)),
                            RACERS)
                    .collectList();

            AtomicReference<List<Integer>> outcomes = new AtomicReference<>();
            StepVerifier.create(race)
                    .then(() -> assertThat(gate.tryEmitEmpty()).isEqualTo(Sinks.EmitResult.OK))
                    .consumeNextWith(outcomes::set)
                    .expectComplete()
                    .verify(timeout());

            List<Integer> winners = outcomes.get().stream().filter(i -> i >= 0).collect(Collectors.toList());
            assertThat(outcomes.get()).as("round %d outcomes", round).hasSize(RACERS);
            assertThat(winners).as("round %d winners", round).hasSize(1);
            byte[] expected = contents.get(winners.get(0));
            assertThat(readAll(info(0, round, round)))
                    .as("round %d content", round)
                    .isEqualTo(expected);
            assertThat(list(0, txid)).first().satisfies(f -> {
                assertThat(f.minTxId()).isEqualTo(txid);
                assertThat(f.size()).isEqualTo(expected.length);
            });
        }
        assertThat(list(0, TxId.ZERO)).hasSize(RACE_ROUNDS);
    }

    @Test
    void createLtxFile_lengthMismatch_signalsIllegalArgumentAndCreatesNothing() {
        byte[] data = bytes(100_000, 9);

        awaitError(
                client().createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, chunks(data), data.length + 1),
                IllegalArgumentException.class);
        awaitError(
                client().createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, chunks(data), data.length - 1),
                IllegalArgumentException.class);
        awaitError(
                client().createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, chunks(data), 0),
                IllegalArgumentException.class);

        assertThat(list(0, TxId.ZERO)).isEmpty();
        awaitError(client().readRange(info(0, 1, 1), 0, 1), StorageException.NotFound.class);
        assertThat(write(0, 1, 1, data).size()).isEqualTo(data.length);
    }

    @Test
    void createLtxFile_contentFails_signalsErrorAndCreatesNothing() {
        byte[] data = bytes(100_000, 10);
        Flux<ByteBuffer> failing = chunks(data).take(3).concatWith(Flux.error(new IllegalStateException("boom")));

        awaitError(client().createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, failing, data.length), Throwable.class);

        assertThat(list(0, TxId.ZERO)).isEmpty();
        assertThat(write(0, 1, 1, data).size()).isEqualTo(data.length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deletes

    @Test
    void delete_batch_removesExactlyTheGivenFiles() {
        for (long txid = 1; txid <= 5; txid++) {
            write(0, txid, txid, bytes(10, txid));
        }
        write(1, 1, 5, bytes(50, 99));

        // Files are identified by level and TXIDs; size and time do not matter.
        awaitEmpty(client().delete(List.of(info(0, 2, 2), info(0, 4, 4), info(1, 1, 5), info(0, 99, 99))));

        assertThat(mins(list(0, TxId.ZERO))).containsExactly(1L, 3L, 5L);
        assertThat(list(1, TxId.ZERO)).isEmpty();
        awaitError(client().readRange(info(0, 2, 2), 0, 1), StorageException.NotFound.class);
        assertThat(readAll(info(0, 3, 3))).isEqualTo(bytes(10, 3));
    }

    @Test
    void delete_emptyOrMissing_completes() {
        awaitEmpty(client().delete(List.of()));
        awaitEmpty(client().delete(List.of(info(0, 1, 1), info(9, 1, 10))));
        assertThat(list(0, TxId.ZERO)).isEmpty();
    }

    @Test
    void delete_thenCreateSameKey_succeeds() {
        write(0, 1, 1, bytes(10, 1));
        awaitEmpty(client().delete(List.of(info(0, 1, 1))));

        write(0, 1, 1, bytes(20, 2));

        assertThat(readAll(info(0, 1, 1))).isEqualTo(bytes(20, 2));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small objects

    @Test
    void readObject_absent_completesEmpty() {
        assertThat(awaitOptional(client().readObject("lease"))).isNull();
    }

    @Test
    void writeObject_ifAbsent_createsOnceThenFails() {
        String version = await(client().writeObject("lease", utf8("first"), WriteCondition.ifAbsent()));

        StoredObject stored = await(client().readObject("lease"));
        assertThat(text(stored.data())).isEqualTo("first");
        assertThat(stored.version()).isEqualTo(version);
        assertThat(stored.data().position()).isZero();

        awaitError(
                client().writeObject("lease", utf8("second"), WriteCondition.ifAbsent()),
                StorageException.PreconditionFailed.class);
        assertThat(objectText("lease")).isEqualTo("first");
        assertThat(await(client().readObject("lease")).version()).isEqualTo(version);
    }

    @Test
    void writeObject_ifMatchCurrent_replacesAndReturnsNewVersion() {
        String v1 = await(client().writeObject("lease", utf8("one"), WriteCondition.ifAbsent()));

        String v2 = await(client().writeObject("lease", utf8("two"), WriteCondition.ifMatch(v1)));

        assertThat(v2).isNotEqualTo(v1);
        StoredObject stored = await(client().readObject("lease"));
        assertThat(text(stored.data())).isEqualTo("two");
        assertThat(stored.version()).isEqualTo(v2);
        String v3 = await(client().writeObject("lease", utf8("three"), WriteCondition.ifMatch(v2)));
        assertThat(v3).isNotEqualTo(v2).isNotEqualTo(v1);
    }

    @Test
    void writeObject_ifMatchStale_signalsPreconditionFailed() {
        String v1 = await(client().writeObject("lease", utf8("one"), WriteCondition.ifAbsent()));
        String v2 = await(client().writeObject("lease", utf8("two"), WriteCondition.ifMatch(v1)));

        awaitError(
                client().writeObject("lease", utf8("stale"), WriteCondition.ifMatch(v1)),
                StorageException.PreconditionFailed.class);
        awaitError(
                client().writeObject("lease", utf8("bogus"), WriteCondition.ifMatch("no-such-version")),
                StorageException.PreconditionFailed.class);

        StoredObject stored = await(client().readObject("lease"));
        assertThat(text(stored.data())).isEqualTo("two");
        assertThat(stored.version()).isEqualTo(v2);
    }

    @Test
    void writeObject_ifMatchAbsentObject_signalsPreconditionFailed() {
        String v1 = await(client().writeObject("other", utf8("x"), WriteCondition.ifAbsent()));

        awaitError(
                client().writeObject("lease", utf8("x"), WriteCondition.ifMatch(v1)),
                StorageException.PreconditionFailed.class);
        assertThat(awaitOptional(client().readObject("lease"))).isNull();
    }

    @Test
    void writeObject_unconditional_createsAndOverwrites() {
        String v1 = await(client().writeObject("lease", utf8("one"), WriteCondition.none()));
        String v2 = await(client().writeObject("lease", utf8("two"), WriteCondition.none()));

        assertThat(v2).isNotEqualTo(v1);
        assertThat(objectText("lease")).isEqualTo("two");
    }

    @Test
    void writeObject_namesAreIndependent() {
        await(client().writeObject("a.json", utf8("A"), WriteCondition.ifAbsent()));
        await(client().writeObject("b.json", utf8("B"), WriteCondition.ifAbsent()));

        assertThat(objectText("a.json")).isEqualTo("A");
        assertThat(objectText("b.json")).isEqualTo("B");
    }

    @Test
    void writeObject_sixteenConcurrentIfMatch_exactlyOneWins() {
        for (int round = 0; round < 5; round++) {
            StoredObject current = awaitOptional(client().readObject("lease"));
            String base = current != null
                    ? current.version()
                    : await(client().writeObject("lease", utf8("base"), WriteCondition.ifAbsent()));

            List<Integer> winners = raceObjectWrites(i -> WriteCondition.ifMatch(base), "round-" + round);

            assertThat(winners).as("round %d winners", round).hasSize(1);
            assertThat(objectText("lease")).isEqualTo("round-" + round + "-writer-" + winners.get(0));
        }
    }

    @Test
    void writeObject_sixteenConcurrentIfAbsent_exactlyOneWins() {
        List<Integer> winners = raceObjectWrites(i -> WriteCondition.ifAbsent(), "create");

        assertThat(winners).hasSize(1);
        assertThat(objectText("lease")).isEqualTo("create-writer-" + winners.get(0));
    }

    private List<Integer> raceObjectWrites(IntFunction<WriteCondition> condition, String label) {
        return await(Flux.range(0, RACERS)
                .flatMap(
                        i -> Mono.defer(() ->
                                        client().writeObject("lease", utf8(label + "-writer-" + i), condition.apply(i)))
                                .subscribeOn(Schedulers.boundedElastic())
                                .map(version -> i)
                                .onErrorResume(StorageException.PreconditionFailed.class, e -> Mono.empty()),
                        RACERS)
                .collectList());
    }

    @Test
    void deleteObject_ifMatchStale_signalsPreconditionFailedAndKeepsObject() {
        String v1 = await(client().writeObject("lease", utf8("one"), WriteCondition.ifAbsent()));
        await(client().writeObject("lease", utf8("two"), WriteCondition.ifMatch(v1)));

        awaitError(
                client().deleteObject("lease", WriteCondition.ifMatch(v1)), StorageException.PreconditionFailed.class);

        assertThat(objectText("lease")).isEqualTo("two");
    }

    @Test
    void deleteObject_ifMatchCurrent_deletes() {
        String v1 = await(client().writeObject("lease", utf8("one"), WriteCondition.ifAbsent()));

        awaitEmpty(client().deleteObject("lease", WriteCondition.ifMatch(v1)));

        assertThat(awaitOptional(client().readObject("lease"))).isNull();
        await(client().writeObject("lease", utf8("again"), WriteCondition.ifAbsent()));
        assertThat(objectText("lease")).isEqualTo("again");
    }

    @Test
    void deleteObject_missing_unconditionalCompletesAndIfMatchFails() {
        awaitEmpty(client().deleteObject("lease", WriteCondition.none()));

        String v1 = await(client().writeObject("lease", utf8("one"), WriteCondition.ifAbsent()));
        awaitEmpty(client().deleteObject("lease", WriteCondition.none()));
        awaitEmpty(client().deleteObject("lease", WriteCondition.none()));
        awaitError(
                client().deleteObject("lease", WriteCondition.ifMatch(v1)), StorageException.PreconditionFailed.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle

    @Test
    void close_twice_doesNotThrow() {
        StorageClient c = client();
        c.close();
        c.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers for subclasses

    /**
     * Waits for a {@link Mono} to emit one value and complete.
     *
     * @param mono the publisher
     * @param <T> the value type
     * @return the value
     */
    protected final <T> T await(Mono<T> mono) {
        AtomicReference<T> result = new AtomicReference<>();
        StepVerifier.create(mono).consumeNextWith(result::set).expectComplete().verify(timeout());
        return result.get();
    }

    /**
     * Waits for a {@link Mono} to complete with or without a value.
     *
     * @param mono the publisher
     * @param <T> the value type
     * @return the value, or {@code null} if it completed empty
     */
    protected final <T> @Nullable T awaitOptional(Mono<T> mono) {
        return await(mono.map(Optional::of).defaultIfEmpty(Optional.empty())).orElse(null);
    }

    /**
     * Waits for a publisher to complete without emitting anything.
     *
     * @param publisher the publisher
     */
    protected final void awaitEmpty(Publisher<?> publisher) {
        StepVerifier.create(publisher).expectComplete().verify(timeout());
    }

    /**
     * Waits for a publisher to fail, without emitting anything first, and checks the error type.
     *
     * @param publisher the publisher
     * @param type the expected error type
     * @param <E> the error type
     * @return the error
     */
    protected final <E extends Throwable> E awaitError(Publisher<?> publisher, Class<E> type) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(publisher).consumeErrorWith(error::set).verify(timeout());
        assertThat(error.get()).isInstanceOf(type);
        return type.cast(error.get());
    }

    /**
     * Writes an LTX file (any bytes: the storage layer does not parse them) and waits for it.
     *
     * @param level the level
     * @param min the minimum TXID
     * @param max the maximum TXID
     * @param data the content
     * @return the file the client reports
     */
    protected final LtxFileInfo write(int level, long min, long max, byte[] data) {
        return await(client().createLtxFile(level, TxId.of(min), TxId.of(max), TIMESTAMP, chunks(data), data.length));
    }

    /**
     * Lists a level.
     *
     * @param level the level
     * @param seek the smallest minimum TXID
     * @return the files, in the client's order
     */
    protected final List<LtxFileInfo> list(int level, TxId seek) {
        return await(client().listLtxFiles(level, seek).collectList());
    }

    /**
     * Reads a whole file through {@link StorageClient#read}.
     *
     * @param file the file
     * @return its content
     */
    protected final byte[] readAll(LtxFileInfo file) {
        return await(client().read(file)
                .collect(ByteArrayOutputStream::new, (out, buf) -> {
                    byte[] b = toArray(buf);
                    out.write(b, 0, b.length);
                })
                .map(ByteArrayOutputStream::toByteArray));
    }

    private void assertRange(LtxFileInfo file, long offset, int length, byte[] data, int from, int to) {
        ByteBuffer buf = await(client().readRange(file, offset, length));
        assertThat(buf.position()).as("position of range %d+%d", offset, length).isZero();
        assertThat(toArray(buf)).as("range %d+%d", offset, length).isEqualTo(Arrays.copyOfRange(data, from, to));
    }

    private String objectText(String name) {
        return text(await(client().readObject(name)).data());
    }

    /**
     * Returns a file identity with size 0 and no creation time, for reads and deletes.
     *
     * @param level the level
     * @param min the minimum TXID
     * @param max the maximum TXID
     * @return the file
     */
    protected static LtxFileInfo info(int level, long min, long max) {
        return new LtxFileInfo(level, TxId.of(min), TxId.of(max), 0, null);
    }

    /**
     * Returns deterministic pseudo-random bytes.
     *
     * @param length the number of bytes
     * @param seed the seed; the same seed gives the same bytes
     * @return the bytes
     */
    protected static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed * 0x9E3779B97F4A7C15L + length).nextBytes(b);
        return b;
    }

    /**
     * Emits data as read-only buffers of {@link #CONTENT_CHUNK} bytes, fresh ones for each subscription.
     *
     * @param data the data
     * @return the publisher
     */
    protected static Flux<ByteBuffer> chunks(byte[] data) {
        int n = (data.length + CONTENT_CHUNK - 1) / CONTENT_CHUNK;
        return Flux.range(0, n).map(i -> ByteBuffer.wrap(
                        data, i * CONTENT_CHUNK, Math.min(CONTENT_CHUNK, data.length - i * CONTENT_CHUNK))
                .slice()
                .asReadOnlyBuffer());
    }

    /**
     * Copies the remaining bytes of a buffer without moving its position.
     *
     * @param buf the buffer
     * @return the bytes
     */
    protected static byte[] toArray(ByteBuffer buf) {
        byte[] b = new byte[buf.remaining()];
        buf.duplicate().get(b);
        return b;
    }

    private static List<Long> mins(List<LtxFileInfo> files) {
        return files.stream().map(f -> f.minTxId().value()).collect(Collectors.toList());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer buf) {
        return new String(toArray(buf), StandardCharsets.UTF_8);
    }
}
