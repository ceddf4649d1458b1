package io.litevfs.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.testkit.emulator.AzuriteExtension;
import io.litevfs.testkit.emulator.AzuriteServer;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Azure-specific behaviour against Azurite: errors, SAS, request counts, staged uploads. */
@ExtendWith(AzuriteExtension.class)
class AzureStorageClientTest {

    private static final String CONTAINER = "specific";
    private static AzuriteServer azurite;

    @BeforeAll
    static void createContainer(AzuriteServer server) {
        azurite = server;
        blobService().getBlobContainerClient(CONTAINER).createIfNotExists();
    }

    private static BlobServiceClient blobService() {
        return new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient();
    }

    private static String keyed(String container) {
        return "abs://" + AzuriteServer.ACCOUNT + "@" + container + "/" + UUID.randomUUID() + "?endpoint="
                + azurite.blobEndpoint() + "&key=" + URLEncoder.encode(AzuriteServer.KEY, StandardCharsets.UTF_8);
    }

    private static AzureStorageClient client(String url, long singleUploadLimit, int pageSize) {
        StorageLocation location = StorageLocation.parse(url);
        return new AzureStorageClient(
                location, AzureSettings.resolve(location, k -> null), singleUploadLimit, pageSize);
    }

    @Test
    void missingContainer_isNotFoundNamingIt() {
        try (StorageClient c = StorageClients.open(keyed("no-such-container"))) {
            StorageException e = awaitError(c.listLtxFiles(0, TxId.ZERO), StorageException.NotFound.class);
            assertThat(e).hasMessageContaining("container 'no-such-container' does not exist");
            awaitError(c.readRange(info(0, 1, 1), 0, 0), StorageException.NotFound.class);
            awaitError(c.read(info(0, 1, 1)), StorageException.NotFound.class);
            awaitError(c.readObject("lease"), StorageException.NotFound.class);
            assertThat(awaitError(write(c, 0, 1, 10), StorageException.NotFound.class))
                    .hasMessageContaining("no-such-container");
        }
    }

    @Test
    void wrongKey_isAccessDeniedWithoutTheKey() {
        String wrong = "AAAA" + AzuriteServer.KEY.substring(4);
        String url = keyed(CONTAINER)
                .replace(
                        URLEncoder.encode(AzuriteServer.KEY, StandardCharsets.UTF_8),
                        URLEncoder.encode(wrong, StandardCharsets.UTF_8));
        try (StorageClient c = StorageClients.open(url)) {
            StorageException e = awaitError(c.listLtxFiles(0, TxId.ZERO), StorageException.AccessDenied.class);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage())
                    .contains("option key")
                    .doesNotContain(wrong)
                    .doesNotContain(AzuriteServer.KEY);
        }
    }

    @Test
    void unreachableEndpoint_isRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (StorageClient c = StorageClients.open("abs://" + AzuriteServer.ACCOUNT + "@" + CONTAINER
                + "/x?endpoint=http://127.0.0.1:" + port + "&key="
                + URLEncoder.encode(AzuriteServer.KEY, StandardCharsets.UTF_8))) {
            StorageException e = awaitError(c.readRange(info(0, 1, 1), 0, 10), StorageException.class);
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).contains("cannot reach http://127.0.0.1:" + port);
        }
    }

    @Test
    void sasToken_authenticates() {
        String sas = blobService()
                .generateAccountSas(new AccountSasSignatureValues(
                        OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse("rwdlc"),
                        new AccountSasService().setBlobAccess(true),
                        new AccountSasResourceType().setContainer(true).setObject(true)));
        String url = "az://" + CONTAINER + "/" + UUID.randomUUID() + "?endpoint=" + azurite.blobEndpoint() + "&sas="
                + URLEncoder.encode(sas, StandardCharsets.UTF_8);
        try (StorageClient c = StorageClients.open(url)) {
            await(write(c, 0, 1, 100));
            assertThat(await(c.listLtxFiles(0, TxId.ZERO).collectList())).hasSize(1);
            assertThat(c.location().toString()).doesNotContain(sas);
        }
    }

    @Test
    void listing_seekCostsOneRequest_andPagesFollowDemand() {
        try (AzureStorageClient c = client(keyed(CONTAINER), AzureStorageClient.SINGLE_UPLOAD_LIMIT, 2)) {
            for (long txid = 1; txid <= 7; txid++) {
                await(write(c, 0, txid, 10));
            }
            long before = c.requestCount();
            assertThat(await(c.listLtxFiles(0, TxId.of(7)).collectList())).hasSize(1);
            assertThat(c.requestCount() - before).as("requests of a poll").isEqualTo(1);

            before = c.requestCount();
            assertThat(await(c.listLtxFiles(0, TxId.ZERO).take(1).collectList()))
                    .hasSize(1);
            assertThat(c.requestCount() - before)
                    .as("requests for the first file")
                    .isEqualTo(1);

            before = c.requestCount();
            assertThat(await(c.listLtxFiles(0, TxId.of(2)).collectList()))
                    .extracting(f -> f.minTxId().value())
                    .containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(c.requestCount() - before).as("pages of 2").isEqualTo(3);
        }
    }

    @Test
    void largeFile_isStagedInBlocks_andStillCreateOnly() {
        try (AzureStorageClient c = client(keyed(CONTAINER), 64 * 1024, AzureStorageClient.LIST_PAGE_SIZE)) {
            byte[] data = bytes(300_000, 5);
            LtxFileInfo file = await(c.createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, chunks(data), data.length));
            assertThat(file.size()).isEqualTo(data.length);
            assertThat(readAll(c, file)).isEqualTo(data);
            awaitError(
                    c.createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, chunks(bytes(200_000, 6)), 200_000),
                    StorageException.AlreadyExists.class);
            awaitError(
                    c.createLtxFile(0, TxId.of(2), TxId.of(2), TIMESTAMP, chunks(data), data.length + 1),
                    IllegalArgumentException.class);
            assertThat(readAll(c, file)).isEqualTo(data);
            assertThat(await(c.listLtxFiles(0, TxId.ZERO).collectList())).hasSize(1);
        }
    }

    @Test
    void layout_isLitestreamsAbsLayout() {
        try (AzureStorageClient c = client(keyed(CONTAINER), AzureStorageClient.SINGLE_UPLOAD_LIMIT, 1000)) {
            String prefix = c.settings().prefix();
            await(write(c, 9, 1, 10));
            assertThat(blobService()
                            .getBlobContainerClient(CONTAINER)
                            .getBlobClient(prefix + "ltx/9/0000000000000001-0000000000000001.ltx")
                            .exists())
                    .isTrue();
            assertThat(Map.of("k", c.ltxKey(3, TxId.of(16), TxId.of(255))))
                    .containsValue(prefix + "ltx/3/0000000000000010-00000000000000ff.ltx");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final Instant TIMESTAMP = Instant.parse("2026-11-20T10:00:00.123Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static <T> T await(Mono<T> mono) {
        AtomicReference<T> result = new AtomicReference<>();
        StepVerifier.create(mono).consumeNextWith(result::set).expectComplete().verify(TIMEOUT);
        return result.get();
    }

    private static <E extends Throwable> E awaitError(Publisher<?> publisher, Class<E> type) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(publisher).consumeErrorWith(error::set).verify(TIMEOUT);
        assertThat(error.get()).isInstanceOf(type);
        return type.cast(error.get());
    }

    private static Mono<LtxFileInfo> write(StorageClient c, int level, long txid, int size) {
        byte[] data = bytes(size, txid);
        return c.createLtxFile(level, TxId.of(txid), TxId.of(txid), TIMESTAMP, chunks(data), data.length);
    }

    private static byte[] readAll(StorageClient c, LtxFileInfo file) {
        return await(c.read(file)
                .collect(ByteArrayOutputStream::new, (out, buf) -> {
                    byte[] b = new byte[buf.remaining()];
                    buf.duplicate().get(b);
                    out.write(b, 0, b.length);
                })
                .map(ByteArrayOutputStream::toByteArray));
    }

    private static LtxFileInfo info(int level, long min, long max) {
        return new LtxFileInfo(level, TxId.of(min), TxId.of(max), 0, null);
    }

    private static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed * 31 + length).nextBytes(b);
        return b;
    }

    private static Flux<ByteBuffer> chunks(byte[] data) {
        int chunk = 16 * 1024;
        int n = (data.length + chunk - 1) / chunk;
        return Flux.range(0, n).map(i -> ByteBuffer.wrap(data, i * chunk, Math.min(chunk, data.length - i * chunk))
                .slice()
                .asReadOnlyBuffer());
    }
}
