package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.testkit.Vectors;
import io.litevfs.testkit.emulator.GcsEmulatorServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

/**
 * {@code gs://} replicas end to end, against the GCS emulator (tools/gcs-emulator) started by the build: every
 * vector uploaded in Litestream's GCS layout ({@code <prefix>/ltx/<level>/<min>-<max>.ltx}) answers every manifest
 * query; {@code litevfs import} into GCS reads back; a missing bucket, bad credentials and an unreachable endpoint
 * each give one clear line, without credentials in it.
 *
 * <p>The manifest queries run through {@link Main#run} in this JVM (what {@code bin/litevfs} runs, with
 * {@code endpoint=}); a sample of them, the import read-back and the error cases run {@code bin/litevfs} as a
 * process with {@code STORAGE_EMULATOR_HOST}, as a user would. (Sixty JVM starts would cost minutes.)
 */
@ExtendWith(GcsEmulatorServer.class)
class GcsReplicaIT {

    private static final String BUCKET = "litevfs-e2e";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static GcsEmulatorServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void uploadVectors(GcsEmulatorServer emulator) throws IOException {
        server = emulator;
        server.createBucket(BUCKET);
        for (JsonNode vector : Vectors.all()) {
            String name = vector.get("name").asText();
            Path root = Vectors.dir().resolve(vector.get("directory").asText());
            try (StorageClient client = StorageClients.open(url(name) + "?endpoint=" + server.endpoint());
                    Stream<Path> files = Files.walk(root.resolve("ltx"))) {
                List<Path> ltx =
                        files.filter(p -> p.toString().endsWith(".ltx")).toList();
                Flux.fromIterable(ltx)
                        .flatMap(p -> upload(client, root, p), 8)
                        .then()
                        .block(Duration.ofSeconds(60));
                assertThat(ltx).as("LTX files of %s", name).isNotEmpty();
            }
        }
    }

    private static reactor.core.publisher.Mono<LtxFileInfo> upload(StorageClient client, Path root, Path file) {
        int level = Integer.parseInt(file.getParent().getFileName().toString());
        Optional<LtxFileInfo> info = LtxFileInfo.parse(level, file.getFileName().toString(), 0, null);
        assertThat(info).as("LTX file name %s", file).isPresent();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
            return client.createLtxFile(
                    level,
                    info.get().minTxId(),
                    info.get().maxTxId(),
                    Files.getLastModifiedTime(file).toInstant(),
                    Flux.just(ByteBuffer.wrap(bytes)),
                    bytes.length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String url(String vector) {
        return "gs://" + BUCKET + "/vectors/" + vector;
    }

    private static Map<String, String> emulatorEnv() {
        return Map.of("STORAGE_EMULATOR_HOST", server.hostAndPort());
    }

    static Stream<Arguments> vectorList() {
        List<Arguments> list = new ArrayList<>();
        Vectors.all().forEach(v -> list.add(Arguments.of(v.get("name").asText(), v)));
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorList")
    void query_everyManifestQuery_fromGcs(String name, JsonNode vector) throws Exception {
        String replica = url(name) + "?endpoint=" + server.endpoint();
        for (Vectors.Expectation e : Vectors.latestExpectations(vector)) {
            Cli.Result r = Cli.run("query", "--format", "json", replica, e.sql());
            assertThat(r.status()).as("%s: %s: %s", name, e.sql(), r).isZero();
            assertThat(MAPPER.readTree(r.out()))
                    .as("%s: %s (expected from %s)", name, e.sql(), e.source())
                    .isEqualTo(e.expected());
        }
    }

    @Test
    void query_throughScript_withStorageEmulatorHost() throws Exception {
        for (String name : List.of("g_multilevel_synthetic", "g_legacy_lz4_frame", "c_seeded_pagesize_65536")) {
            JsonNode vector = Vectors.byName(name);
            List<Vectors.Expectation> expectations = Vectors.latestExpectations(vector);
            Vectors.Expectation e = expectations.stream()
                    .filter(x -> !x.sql().toLowerCase().startsWith("pragma"))
                    .findFirst()
                    .orElse(expectations.get(0));
            Cli.Result r = Cli.script(tmp, emulatorEnv(), "query", "--format", "json", url(name), e.sql());
            assertThat(r.status()).as("%s: %s: %s", name, e.sql(), r).isZero();
            assertThat(MAPPER.readTree(r.out())).as("%s: %s", name, e.sql()).isEqualTo(e.expected());
            assertThat(r.err()).as(r.toString()).isEmpty();
        }
    }

    @Test
    void import_intoGcs_readsBack() throws Exception {
        Path v1 = resource("bookstore-v1.db");
        Path v2 = resource("bookstore-v2.db");
        String replica = "gs://" + BUCKET + "/imported?endpoint=" + server.endpoint();

        Cli.Result r = Cli.run("import", v1.toString(), replica);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("as TXID 0000000000000001");
        r = Cli.run("import", v2.toString(), replica);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("as TXID 0000000000000002");

        // Read back by a user: bin/litevfs with STORAGE_EMULATOR_HOST.
        r = Cli.script(tmp, emulatorEnv(), "restore", "gs://" + BUCKET + "/imported", "latest.db");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Cli.sha256(tmp.resolve("latest.db"))).isEqualTo(Cli.sha256(v2));
        assertThat(Cli.run(
                                "restore",
                                "--txid",
                                "1",
                                replica,
                                tmp.resolve("one.db").toString())
                        .status())
                .isZero();
        assertThat(Cli.sha256(tmp.resolve("one.db"))).isEqualTo(Cli.sha256(v1));
        r = Cli.run("query", "--format", "json", replica, "PRAGMA integrity_check");
        assertThat(r.out().trim()).as(r.toString()).isEqualTo("[[\"ok\"]]");
    }

    private Path resource(String name) throws IOException {
        Path db = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/demo/" + name)) {
            assertThat(in).as("resource /demo/%s", name).isNotNull();
            Files.copy(in, db, StandardCopyOption.REPLACE_EXISTING);
        }
        return db;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Errors: one line each, through bin/litevfs

    private static void assertOneLine(Cli.Result r, String... fragments) {
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).as(r.toString()).startsWith("litevfs: ").doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(r.err()).as(r.toString()).contains(f);
        }
    }

    @Test
    void missingBucket_isOneClearLine() throws Exception {
        Cli.Result r = Cli.script(tmp, emulatorEnv(), "query", "gs://no-such-bucket-litevfs/db", "SELECT 1");

        assertOneLine(r, "bucket 'no-such-bucket-litevfs' does not exist", server.endpoint());
    }

    @Test
    void unreachableEndpoint_isOneClearLine() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closed;

        Cli.Result r =
                Cli.script(tmp, "query", "gs://" + BUCKET + "/vectors/f_minimal?endpoint=" + endpoint, "SELECT 1");

        assertOneLine(r, "cannot connect to GCS at endpoint " + endpoint, "connection refused");
    }

    /** A service-account key whose token endpoint refuses it: ADC file, as a user would set it up. */
    @Test
    void badCredentials_tokenRefused_isOneClearLineWithoutSecrets() throws Exception {
        HttpServer oauth = stub(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        try {
            Key key = serviceAccountKey("http://127.0.0.1:" + oauth.getAddress().getPort() + "/token");

            Cli.Result r = Cli.script(
                    tmp,
                    Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.file().toString()),
                    "query",
                    "gs://" + BUCKET + "/vectors/f_minimal?endpoint=" + server.endpoint() + "&credentials=default",
                    "SELECT 1");

            assertOneLine(r, "could not get an access token", "invalid_grant", "Invalid JWT Signature");
            assertThat(r.out() + r.err()).doesNotContain(key.secretFragment()).doesNotContain("PRIVATE KEY");
        } finally {
            oauth.stop(0);
        }
    }

    /** A token is issued, GCS refuses it (401): AccessDenied, and the token is in no message. */
    @Test
    void badCredentials_gcsRefusesToken_isOneClearLineWithoutSecrets() throws Exception {
        String token = "ya29.litevfs-secret-token-0123456789";
        HttpServer oauth =
                stub(200, "{\"access_token\":\"" + token + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        HttpServer gcs = stub(
                401,
                "{\"error\":{\"code\":401,\"message\":\"Invalid Credentials\",\"errors\":[{\"reason\":\"authError\"}]}}");
        try {
            Key key = serviceAccountKey("http://127.0.0.1:" + oauth.getAddress().getPort() + "/token");
            String replica = "gs://" + BUCKET + "/db?endpoint=http://127.0.0.1:"
                    + gcs.getAddress().getPort() + "&credentials=" + key.file();

            Cli.Result r = Cli.run("--verbose", "query", replica, "SELECT 1");

            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(r.err().lines().findFirst().orElse(""))
                    .startsWith("litevfs: ")
                    .contains("GCS refused the credentials (HTTP 401: Invalid Credentials");
            // Not even the stack trace of --verbose holds the token or the key.
            assertThat(r.out() + r.err())
                    .doesNotContain(token)
                    .doesNotContain("litevfs-secret-token")
                    .doesNotContain(key.secretFragment());
            assertThat(gcs.getAddress()).isNotNull();
        } finally {
            oauth.stop(0);
            gcs.stop(0);
        }
    }

    private record Key(Path file, String secretFragment) {}

    private Key serviceAccountKey(String tokenUri) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        byte[] pkcs8 = gen.generateKeyPair().getPrivate().getEncoded();
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs8);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
        String json = MAPPER.writeValueAsString(Map.of(
                "type", "service_account",
                "project_id", "demo-litevfs",
                "private_key_id", "0123456789abcdef",
                "private_key", pem,
                "client_email", "litevfs-test@demo-litevfs.iam.gserviceaccount.com",
                "client_id", "1234567890",
                "token_uri", tokenUri));
        Path file = tmp.resolve("key.json");
        Files.writeString(file, json);
        return new Key(file, base64.substring(100, 140));
    }

    private static HttpServer stub(int status, String body) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        http.start();
        return http;
    }
}
