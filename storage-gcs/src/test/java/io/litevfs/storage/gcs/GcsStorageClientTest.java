package io.litevfs.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.WriteCondition;
import io.litevfs.testkit.emulator.GcsEmulatorServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** What is specific to GCS: settings and the environment, the key layout, pagination, error mapping. */
@ExtendWith(GcsEmulatorServer.class)
class GcsStorageClientTest {

    private static final String BUCKET = "litevfs-gcs-unit";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static GcsEmulatorServer server;

    @BeforeAll
    static void bucket(GcsEmulatorServer emulator) {
        server = emulator;
        server.createBucket(BUCKET);
    }

    private static GcsSettings settings(String url, Map<String, String> env) {
        StorageLocation location = StorageLocation.parse(url);
        location.requireKnownOptions(GcsSettings.OPTIONS);
        return GcsSettings.resolve(location, env);
    }

    private static StorageClient emulatorClient(String prefix) {
        // STORAGE_EMULATOR_HOST, as a user sets it: no endpoint option, no credentials.
        return new GcsStorageClientProvider(Map.of("STORAGE_EMULATOR_HOST", server.hostAndPort()))
                .create(StorageLocation.parse("gs://" + BUCKET + "/" + prefix));
    }

    private static <T> T await(Mono<T> mono) {
        return mono.block(TIMEOUT);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Settings

    @Test
    void settings_defaults_publicEndpointWithApplicationDefaultCredentials() {
        GcsSettings s = settings("gs://my-bucket/a/b/", Map.of());

        assertThat(s.endpoint()).isEqualTo(URI.create("https://storage.googleapis.com"));
        assertThat(s.credentials()).isEqualTo(GcsSettings.Credentials.DEFAULT);
        assertThat(s.bucket()).isEqualTo("my-bucket");
        assertThat(s.levelPrefix(3)).isEqualTo("a/b/ltx/3/");
        assertThat(s.key("lock.json")).isEqualTo("a/b/lock.json");
        assertThat(settings("gs://my-bucket", Map.of()).levelPrefix(0)).isEqualTo("ltx/0/");
    }

    @Test
    void settings_storageEmulatorHost_meansEmulatorWithoutCredentials() {
        GcsSettings s = settings("gs://b-1/p", Map.of("STORAGE_EMULATOR_HOST", "localhost:9023"));
        assertThat(s.endpoint()).isEqualTo(URI.create("http://localhost:9023"));
        assertThat(s.credentials()).isEqualTo(GcsSettings.Credentials.NONE);

        GcsSettings withScheme = settings("gs://b-1/p", Map.of("STORAGE_EMULATOR_HOST", "http://127.0.0.1:1234/"));
        assertThat(withScheme.endpoint()).isEqualTo(URI.create("http://127.0.0.1:1234"));
    }

    @Test
    void settings_endpointOption_winsOverEnvironment_andHttpMeansNoCredentialsUnlessAsked() {
        Map<String, String> env = Map.of("STORAGE_EMULATOR_HOST", "localhost:9023");

        GcsSettings s = settings("gs://b-1/p?endpoint=http://10.0.0.1:8080", env);
        assertThat(s.endpoint()).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(s.credentials()).isEqualTo(GcsSettings.Credentials.NONE);

        GcsSettings https = settings("gs://b-1/p?endpoint=https://storage.example.com", env);
        assertThat(https.credentials()).isEqualTo(GcsSettings.Credentials.DEFAULT);

        GcsSettings asked = settings("gs://b-1/p?endpoint=http://10.0.0.1:8080&credentials=default", env);
        assertThat(asked.credentials()).isEqualTo(GcsSettings.Credentials.DEFAULT);

        GcsSettings file = settings("gs://b-1/p?credentials=/etc/key.json&project=my-project", Map.of());
        assertThat(file.credentials()).isEqualTo(GcsSettings.Credentials.FILE);
        assertThat(file.credentialsFile()).isEqualTo(Path.of("/etc/key.json"));
        assertThat(file.userProject()).isEqualTo("my-project");
        assertThat(settings("gs://b-1/p?credentials=none", Map.of()).credentials())
                .isEqualTo(GcsSettings.Credentials.NONE);
    }

    @Test
    void settings_invalid_areInvalidLocationsNamingTheProblem() {
        assertThatThrownBy(() -> settings("gs://B/p", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("invalid GCS bucket name 'B'");
        assertThatThrownBy(() -> settings("gs://bucket/p?endpoint=ftp://x", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("invalid GCS endpoint");
        assertThatThrownBy(() -> StorageClients.open("gs://bucket/p?region=us"))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("unknown option 'region'")
                .hasMessageContaining("endpoint");
    }

    @Test
    void location_withCredentialsFile_isRedactedInMessages() {
        StorageClient client = StorageClients.open("gs://bucket/p?credentials=/secret/key.json&endpoint=http://x:1");
        try {
            assertThat(client).isInstanceOf(GcsStorageClient.class);
            assertThat(client.location().toString()).doesNotContain("/secret/key.json");
        } finally {
            client.close();
        }
    }

    @Test
    void redactTokens_removesBearerTokensAndKeys() {
        assertThat(GcsAuth.redactTokens("Authorization: Bearer ya29.abc-DEF_123 and ya29.zzz"))
                .doesNotContain("abc-DEF_123")
                .doesNotContain("zzz");
        assertThat(GcsAuth.redactTokens("x -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- y"))
                .isEqualTo("x *** y");
    }

    // -------------------------------------------------------------------------------------------------------------
    // Against the emulator

    @Test
    void storageEmulatorHost_writesInLitestreamGcsLayout() throws Exception {
        String prefix = UUID.randomUUID() + "/db";
        try (StorageClient client = emulatorClient(prefix)) {
            byte[] data = "ltx".getBytes(StandardCharsets.UTF_8);
            LtxFileInfo file = await(client.createLtxFile(
                    9, TxId.of(1), TxId.of(0x2a), Instant.now(), Flux.just(ByteBuffer.wrap(data)), data.length));
            assertThat(file.createdAt()).isNotNull();
            await(client.writeObject("lock.json", ByteBuffer.wrap(data), WriteCondition.ifAbsent()));
        }

        String listing = get("/storage/v1/b/" + BUCKET + "/o?prefix=" + prefix + "/");
        assertThat(listing)
                .contains("\"name\":\"" + prefix + "/ltx/9/0000000000000001-000000000000002a.ltx\"")
                .contains("\"name\":\"" + prefix + "/lock.json\"");
    }

    @Test
    void listLtxFiles_manyPages_inOrderFromSeek_andLazy() {
        try (GcsStorageClient client =
                (GcsStorageClient) emulatorClient(UUID.randomUUID().toString())) {
            client.pageSize(3);
            Flux.range(1, 14)
                    .flatMap(i -> client.createLtxFile(
                            2, TxId.of(i), TxId.of(i), Instant.now(), Flux.just(ByteBuffer.allocate(i)), i))
                    .then()
                    .block(TIMEOUT);
            await(client.writeObject("zz-not-ltx", ByteBuffer.allocate(1), WriteCondition.none()));

            List<LtxFileInfo> all = await(client.listLtxFiles(2, TxId.ZERO).collectList());
            assertThat(all).extracting(f -> f.minTxId().value()).containsExactly(range(1, 14));
            assertThat(all)
                    .allSatisfy(f -> assertThat(f.size()).isEqualTo(f.minTxId().value()));

            List<LtxFileInfo> fromFive =
                    await(client.listLtxFiles(2, TxId.of(5)).collectList());
            assertThat(fromFive).extracting(f -> f.minTxId().value()).containsExactly(range(5, 14));

            StepVerifier.create(client.listLtxFiles(2, TxId.of(13)), 1)
                    .expectNextMatches(f -> f.minTxId().value() == 13)
                    .thenRequest(5)
                    .expectNextMatches(f -> f.minTxId().value() == 14)
                    .verifyComplete();
            assertThat(await(client.listLtxFiles(2, TxId.of(0x7fff_ffff_ffffL)).collectList()))
                    .isEmpty();
        }
    }

    private static Long[] range(long from, long to) {
        Long[] r = new Long[(int) (to - from + 1)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    @Test
    void missingBucket_isNotFoundNamingTheBucket_forEveryOperation() {
        StorageClient client = new GcsStorageClientProvider(Map.of("STORAGE_EMULATOR_HOST", server.hostAndPort()))
                .create(StorageLocation.parse("gs://no-such-bucket-here/db"));
        try {
            LtxFileInfo file = new LtxFileInfo(0, TxId.of(1), TxId.of(1), 0, null);
            for (Mono<?> op : List.of(
                    client.listLtxFiles(0, TxId.ZERO).collectList(),
                    client.readRange(file, 0, 10),
                    client.read(file).collectList(),
                    client.createLtxFile(0, TxId.of(1), TxId.of(1), Instant.now(), Flux.empty(), 0),
                    client.readObject("lease"),
                    client.writeObject("lease", ByteBuffer.allocate(1), WriteCondition.none()),
                    client.deleteObject("lease", WriteCondition.none()),
                    client.delete(List.of(file)))) {
                AtomicReference<Throwable> error = new AtomicReference<>();
                StepVerifier.create(op).consumeErrorWith(error::set).verify(TIMEOUT);
                assertThat(error.get())
                        .isInstanceOf(StorageException.NotFound.class)
                        .hasMessageContaining("bucket 'no-such-bucket-here' does not exist")
                        .hasMessageContaining(server.endpoint());
            }
        } finally {
            client.close();
        }
    }

    @Test
    void unreachableEndpoint_isRetryableAndSaysWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (StorageClient client = StorageClients.open("gs://bucket/db?endpoint=http://127.0.0.1:" + port)) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            StepVerifier.create(client.listLtxFiles(0, TxId.ZERO))
                    .consumeErrorWith(error::set)
                    .verify(TIMEOUT);
            assertThat(error.get())
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot connect to GCS at endpoint http://127.0.0.1:" + port)
                    .hasMessageContaining("connection refused");
            assertThat(((StorageException) error.get()).isRetryable()).isTrue();
        }
    }

    @Test
    void credentialsFileMissing_isAccessDeniedNamingTheFile(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.json");
        try (StorageClient client =
                StorageClients.open("gs://bucket/db?endpoint=" + server.endpoint() + "&credentials=" + missing)) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            StepVerifier.create(client.readObject("lease"))
                    .consumeErrorWith(error::set)
                    .verify(TIMEOUT);
            assertThat(error.get())
                    .isInstanceOf(StorageException.AccessDenied.class)
                    .hasMessageContaining("no such file " + missing);
        }
    }

    @Test
    void emulatorNotInstalled_failsWithInstallHint(@TempDir Path tmp) throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("gcs-emulator.js"), "");
        assertThatThrownBy(() -> GcsEmulatorServer.start(tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not installed")
                .hasMessageContaining("npm ci");
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
