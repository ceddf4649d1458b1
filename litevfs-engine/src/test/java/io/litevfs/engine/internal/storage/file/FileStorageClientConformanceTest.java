package io.litevfs.engine.internal.storage.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.WriteCondition;
import io.litevfs.testkit.StorageClientConformanceTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Runs the conformance suite against {@link FileStorageClient}, plus what is specific to a local directory. */
class FileStorageClientConformanceTest extends StorageClientConformanceTest {

    @TempDir
    Path tmp;

    private Path root() {
        return tmp.resolve("replica");
    }

    @Override
    protected StorageClient createClient() {
        return StorageClients.open(root().toUri().toString());
    }

    @Test
    void createLtxFile_layoutOnDisk_isLitestreamFileLayout() throws IOException {
        write(0, 1, 1, bytes(10, 1));
        write(3, 2, 5, bytes(10, 2));
        write(9, 1, 0x20, bytes(10, 3));
        await(client().writeObject("lock.json", ByteBuffer.wrap(new byte[] {'{', '}'}), WriteCondition.none()));

        assertThat(regularFiles(root()))
                .containsExactlyInAnyOrder(
                        "ltx/0/0000000000000001-0000000000000001.ltx",
                        "ltx/3/0000000000000002-0000000000000005.ltx",
                        "ltx/9/0000000000000001-0000000000000020.ltx",
                        "lock.json",
                        ".litevfs/lock.json.lock");
        assertThat(Files.readAllBytes(root().resolve("ltx/3/0000000000000002-0000000000000005.ltx")))
                .isEqualTo(bytes(10, 2));
        assertThat(Files.readString(root().resolve("lock.json"))).isEqualTo("{}");
    }

    @Test
    void createLtxFile_timestamp_becomesModificationTime() throws IOException {
        LtxFileInfo written = write(0, 1, 1, bytes(10, 1));

        Path path = root().resolve("ltx/0/0000000000000001-0000000000000001.ltx");
        assertThat(Files.getLastModifiedTime(path).toInstant()).isEqualTo(TIMESTAMP);
        assertThat(written.createdAt()).isEqualTo(TIMESTAMP);
        assertThat(list(0, TxId.ZERO)).singleElement().satisfies(f -> assertThat(f.createdAt())
                .isEqualTo(TIMESTAMP));
    }

    @Test
    void createLtxFile_lostRacesAndFailures_leaveNoTemporaryFiles() throws IOException {
        Sinks.Empty<Void> gate = Sinks.empty();
        Mono<List<Boolean>> race = Flux.range(0, 16)
                .flatMap(
                        i -> client().createLtxFile(
                                        0,
                                        TxId.of(7),
                                        TxId.of(7),
                                        TIMESTAMP,
                                        chunks(bytes(50_000, i))
                                                .delaySubscription(
                                                        gate.asMono().publishOn(Schedulers.boundedElastic())),
                                        50_000)
                                .map(f -> true)
                                .onErrorResume(StorageException.AlreadyExists.class, e -> Mono.just(false)),
                        16)
                .collectList();
        StepVerifier.create(race)
                .then(gate::tryEmitEmpty)
                .assertNext(outcomes -> assertThat(outcomes).containsOnlyOnce(true))
                .expectComplete()
                .verify(timeout());
        awaitError(
                client().createLtxFile(0, TxId.of(8), TxId.of(8), TIMESTAMP, chunks(bytes(10, 1)), 11),
                IllegalArgumentException.class);
        awaitError(
                client().createLtxFile(
                                0,
                                TxId.of(9),
                                TxId.of(9),
                                TIMESTAMP,
                                Flux.error(new IllegalStateException("boom")),
                                10),
                IllegalStateException.class);

        assertThat(regularFiles(root())).containsExactly("ltx/0/0000000000000007-0000000000000007.ltx");
    }

    @Test
    void createLtxFile_cancelledMidContent_removesTemporaryFile() throws IOException {
        Flux<ByteBuffer> stalled = chunks(bytes(40_000, 1)).concatWith(Flux.never());
        Disposable write = client().createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, stalled, 100_000)
                .subscribe(f -> {}, e -> {});
        awaitTempFiles(false);

        write.dispose();

        // Cleanup runs on the client's I/O thread after cancellation.
        awaitTempFiles(true);
        assertThat(list(0, TxId.ZERO)).isEmpty();
    }

    @Test
    void read_cancelledOrCompleted_closesTheChannel() throws IOException {
        FileStorageClient c = (FileStorageClient) client();
        LtxFileInfo file = write(0, 1, 1, bytes(1024 * 1024, 1));

        for (int i = 0; i < 20; i++) {
            StepVerifier.create(c.read(file), 1).expectNextCount(1).thenCancel().verify(timeout());
        }
        readAll(file);
        awaitMissing(c.read(info(0, 9, 9)));

        // The generator's clean-up may run just after the terminal signal, on the I/O thread; poll for it.
        StepVerifier.create(Flux.interval(Duration.ofMillis(5))
                        .map(t -> c.openReadChannels())
                        .filter(n -> n == 0)
                        .next())
                .expectNext(0)
                .expectComplete()
                .verify(timeout());
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            Path path = root().resolve("ltx/0/" + file.fileName()).toRealPath();
            try (FileChannel control = FileChannel.open(path)) {
                assertThat(openDescriptorsOf(path))
                        .as("the check sees open files")
                        .isEqualTo(1);
            }
            assertThat(openDescriptorsOf(path)).isZero();
        }
    }

    private void awaitMissing(Flux<ByteBuffer> read) {
        awaitError(read, StorageException.NotFound.class);
    }

    @Test
    void listLtxFiles_foreignNames_areIgnored() throws IOException {
        write(0, 2, 2, bytes(10, 1));
        Path level0 = root().resolve("ltx/0");
        Files.writeString(level0.resolve("notes.txt"), "x");
        Files.writeString(level0.resolve(".0000000000000003-0000000000000003.ltx.1234.tmp"), "x");
        Files.writeString(level0.resolve("0000000000000003-0000000000000003.ltx.tmp"), "x");
        Files.writeString(level0.resolve("000000000000000A-000000000000000A.ltx"), "x");
        Files.writeString(level0.resolve("0000000000000005-0000000000000004.ltx"), "x");
        Files.writeString(level0.resolve("0000000000000000-0000000000000004.ltx"), "x");
        Files.writeString(level0.resolve("1-2.ltx"), "x");
        Files.createDirectory(level0.resolve("0000000000000009-0000000000000009.ltx"));
        Files.createDirectories(root().resolve("ltx/10"));
        Files.writeString(root().resolve("ltx/10/0000000000000001-0000000000000001.ltx"), "x");

        assertThat(list(0, TxId.ZERO))
                .extracting(LtxFileInfo::fileName)
                .containsExactly("0000000000000002-0000000000000002.ltx");
    }

    @Test
    void listLtxFiles_vectorReplica_listsAllL0FilesInOrder() throws IOException {
        Path replica = io.litevfs.testkit.Vectors.dir().resolve("b_many_tx");

        try (StorageClient vector = StorageClients.open(replica.toString())) {
            List<LtxFileInfo> files = await(vector.listLtxFiles(0, TxId.ZERO).collectList());

            assertThat(files).hasSize(31);
            for (int i = 0; i < files.size(); i++) {
                assertThat(files.get(i).minTxId()).isEqualTo(TxId.of(i + 1));
                assertThat(files.get(i).maxTxId()).isEqualTo(TxId.of(i + 1));
            }
            LtxFileInfo last = files.get(30);
            Path lastPath = replica.resolve("ltx/0/" + last.fileName());
            assertThat(last.size()).isEqualTo(Files.size(lastPath));
            byte[] content = await(vector.read(last)
                    .reduce(ByteBuffer.allocate((int) last.size()), ByteBuffer::put)
                    .map(ByteBuffer::array));
            assertThat(content).isEqualTo(Files.readAllBytes(lastPath));
            assertThat(await(vector.listLtxFiles(0, TxId.of(30)).collectList())).hasSize(2);
            assertThat(await(vector.listLtxFiles(1, TxId.ZERO).collectList())).isEmpty();
        }
    }

    @Test
    void open_fileUrlsAndPlainPaths_findTheProvider() {
        try (StorageClient absolute = StorageClients.open("file://" + root());
                StorageClient relative = StorageClients.open("target/relative-replica")) {
            assertThat(absolute).isInstanceOf(FileStorageClient.class);
            assertThat(((FileStorageClient) absolute).root()).isEqualTo(root());
            assertThat(relative).isInstanceOf(FileStorageClient.class);
            assertThat(((FileStorageClient) relative).root())
                    .isEqualTo(
                            Path.of("target/relative-replica").toAbsolutePath().normalize());
            assertThat(relative.location().scheme()).isEqualTo("file");
        }
    }

    @Test
    void open_unknownOption_failsNamingIt() {
        assertThatThrownBy(() -> StorageClients.open("file:///x?bogus=1"))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("bogus");
    }

    @Test
    void readRange_missingFile_messageNamesThePath() {
        StorageException.NotFound e =
                awaitError(client().readRange(info(2, 3, 4), 0, 1), StorageException.NotFound.class);

        assertThat(e)
                .hasMessageContaining(root().resolve("ltx/2/0000000000000003-0000000000000004.ltx")
                        .toString());
    }

    @Test
    void listLtxFiles_levelIsAFile_signalsStorageExceptionNamingIt() throws IOException {
        Files.createDirectories(root().resolve("ltx"));
        Files.writeString(root().resolve("ltx/4"), "not a directory");

        StorageException e = awaitError(client().listLtxFiles(4, TxId.ZERO), StorageException.class);

        assertThat(e)
                .hasMessageContaining("list ltx files")
                .hasMessageContaining(root().resolve("ltx/4").toString());
    }

    @Test
    void writeObject_sameContentWrittenBack_getsNewVersion() {
        String v1 = await(client().writeObject("lease", utf8("A"), WriteCondition.ifAbsent()));
        String v2 = await(client().writeObject("lease", utf8("B"), WriteCondition.ifMatch(v1)));
        String v3 = await(client().writeObject("lease", utf8("A"), WriteCondition.ifMatch(v2)));

        assertThat(v3).isNotEqualTo(v1);
        awaitError(
                client().writeObject("lease", utf8("C"), WriteCondition.ifMatch(v1)),
                StorageException.PreconditionFailed.class);
    }

    @Test
    void writeObject_twoClientsOnOneDirectory_exactlyOneWins() {
        String base = await(client().writeObject("lease", utf8("base"), WriteCondition.ifAbsent()));
        try (StorageClient other = StorageClients.open(root().toString())) {
            List<Integer> winners = await(Flux.range(0, 16)
                    .flatMap(
                            i -> Mono.defer(() -> (i % 2 == 0 ? client() : other)
                                            .writeObject("lease", utf8("w" + i), WriteCondition.ifMatch(base)))
                                    .subscribeOn(Schedulers.boundedElastic())
                                    .map(v -> i)
                                    .onErrorResume(StorageException.PreconditionFailed.class, e -> Mono.empty()),
                            16)
                    .collectList());

            assertThat(winners).hasSize(1);
            assertThat(await(other.readObject("lease")).version())
                    .isEqualTo(await(client().readObject("lease")).version());
        }
    }

    @Test
    void closed_operations_signalStorageException() {
        StorageClient c = client();
        c.close();

        awaitError(c.listLtxFiles(0, TxId.ZERO), StorageException.class);
        awaitError(c.read(info(0, 1, 1)), StorageException.class);
        awaitError(c.readObject("lease"), StorageException.class);
    }

    /** Polls, without sleeping the test thread, until temporary files are absent (or present). */
    private void awaitTempFiles(boolean absent) {
        StepVerifier.create(Flux.interval(Duration.ofMillis(10))
                        .map(t -> tempFiles(root()).isEmpty())
                        .filter(empty -> empty == absent)
                        .next())
                .expectNext(absent)
                .expectComplete()
                .verify(timeout());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the regular files under a directory as relative paths with '/' separators. */
    private static List<String> regularFiles(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static List<String> tempFiles(Path dir) {
        try {
            return regularFiles(dir).stream().filter(n -> n.endsWith(".tmp")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long openDescriptorsOf(Path file) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).equals(file);
                        } catch (IOException e) {
                            return false; // closed meanwhile
                        }
                    })
                    .count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
