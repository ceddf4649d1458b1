package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.testkit.Vectors;
import io.litevfs.testkit.emulator.AzuriteExtension;
import io.litevfs.testkit.emulator.AzuriteServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Azure half of issue 5, run as a user runs it: every vector uploaded to Azurite in Litestream's {@code abs}
 * layout ({@code <prefix>/ltx/<level>/<min>-<max>.ltx}) answers every manifest query; {@code litevfs import} into
 * Azure reads back; a missing container, bad credentials and an unreachable endpoint each give one clear line; no
 * credential is ever printed.
 *
 * <p>Every query of every vector runs through the command in-process (credentials as URL options); queries of a few
 * vectors, the import and the error cases run {@code bin/litevfs} as a process, as a user would, with the dev
 * connection string in its environment.
 */
@ExtendWith(AzuriteExtension.class)
class AzureCliIT {

    private static final String CONTAINER = "vectors";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static AzuriteServer azurite;

    @TempDir
    Path tmp;

    @BeforeAll
    static void uploadVectors(AzuriteServer server) throws IOException {
        azurite = server;
        BlobContainerClient container = new BlobServiceClientBuilder()
                .connectionString(server.connectionString())
                .buildClient()
                .getBlobContainerClient(CONTAINER);
        container.createIfNotExists();
        for (JsonNode vector : Vectors.all()) {
            String name = vector.get("name").asText();
            Path dir = Vectors.dir().resolve(vector.get("directory").asText());
            try (Stream<Path> files = Files.walk(dir.resolve("ltx"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String relative = dir.relativize(file).toString().replace('\\', '/');
                    container.getBlobClient(name + "/" + relative).uploadFromFile(file.toString(), true);
                }
            }
        }
    }

    static Stream<Arguments> vectorList() {
        return Vectors.all().stream().map(v -> Arguments.of(v.get("name").asText(), v));
    }

    /** The replica URL with the credentials as options (for in-process runs, which cannot set the environment). */
    private static String urlWithKey(String prefix) {
        return "abs://" + AzuriteServer.ACCOUNT + "@" + CONTAINER + "/" + prefix + "?endpoint=" + azurite.blobEndpoint()
                + "&key=" + URLEncoder.encode(AzuriteServer.KEY, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorList")
    void query_everyManifestQuery_answersAsExpected(String name, JsonNode vector) throws Exception {
        String url = urlWithKey(name);
        for (Vectors.Expectation e : Vectors.latestExpectations(vector)) {
            Cli.Result r = Cli.run("query", "--format", "json", url, e.sql());
            assertNoSecrets(r);
            assertThat(r.status()).as("%s: %s", e.sql(), r).isZero();
            assertThat(MAPPER.readTree(r.out()))
                    .as("%s: %s (expected from %s)", name, e.sql(), e.source())
                    .isEqualTo(e.expected());
        }
    }

    @ParameterizedTest(name = "{0}://…/{1}")
    @CsvSource({"abs, a_single_tx", "az, g_multilevel_synthetic", "abs, c_seeded_pagesize_65536"})
    void query_throughScript_withConnectionStringInEnvironment(String scheme, String name) throws Exception {
        // A process per run costs seconds on a loaded machine: a few vectors here, every query of every vector
        // in-process above. The endpoint comes from the connection string.
        Vectors.Expectation e = Vectors.latestExpectations(Vectors.byName(name)).get(0);
        Cli.Result r =
                script(devEnvironment(), "query", "--format", "json", scheme + "://" + CONTAINER + "/" + name, e.sql());
        assertNoSecrets(r);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(MAPPER.readTree(r.out())).as("%s: %s", name, e.sql()).isEqualTo(e.expected());
    }

    @Test
    void import_intoAzure_readsBack() throws Exception {
        JsonNode vector = Vectors.byName("b_many_tx");
        Path db = tmp.resolve("source.db");
        Files.copy(Vectors.dir().resolve("b_many_tx.expected.db"), db);
        String url = "abs://" + CONTAINER + "/imported?endpoint=" + azurite.blobEndpoint();

        Cli.Result imported = script(devEnvironment(), "import", db.toString(), url);

        assertNoSecrets(imported);
        assertThat(imported.status()).as(imported.toString()).isZero();
        assertThat(imported.out()).contains("as TXID 0000000000000001");
        for (Vectors.Expectation e : Vectors.latestExpectations(vector)) {
            Cli.Result r = Cli.run("query", "--format", "json", urlWithKey("imported"), e.sql());
            assertThat(r.status()).as("%s: %s", e.sql(), r).isZero();
            assertThat(MAPPER.readTree(r.out())).as(e.sql()).isEqualTo(e.expected());
        }
        Path restored = tmp.resolve("restored.db");
        Cli.Result r = Cli.run("restore", urlWithKey("imported"), restored.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Cli.sha256(restored)).isEqualTo(Cli.sha256(db));
    }

    @Test
    void missingContainer_isOneClearLine() throws Exception {
        Cli.Result r = script(
                devEnvironment(), "query", "abs://no-such-container/db?endpoint=" + azurite.blobEndpoint(), "select 1");

        assertOneLineError(r);
        assertThat(r.err()).contains("container 'no-such-container' does not exist");
    }

    @Test
    void badCredentials_isOneClearLine() throws Exception {
        String wrongKey = "AAAA" + AzuriteServer.KEY.substring(4);
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString().replace(AzuriteServer.KEY, wrongKey));

        Cli.Result r = script(env, "info", "abs://" + CONTAINER + "/f_minimal");

        assertOneLineError(r);
        assertThat(r.err()).contains("access denied").contains("AZURE_STORAGE_CONNECTION_STRING");
        assertThat(r.out() + r.err()).doesNotContain(wrongKey);
    }

    @Test
    void badKeyOption_isOneClearLineWithoutTheKey() throws Exception {
        String wrongKey = "BBBB" + AzuriteServer.KEY.substring(4);
        String url = "abs://" + AzuriteServer.ACCOUNT + "@" + CONTAINER + "/f_minimal?endpoint="
                + azurite.blobEndpoint() + "&key=" + URLEncoder.encode(wrongKey, StandardCharsets.UTF_8);

        Cli.Result r = script(Map.of(), "query", url, "select count(*) from sqlite_master");

        assertOneLineError(r);
        assertThat(r.err()).contains("access denied").contains("option key");
        assertThat(r.out() + r.err())
                .doesNotContain(wrongKey)
                .doesNotContain(URLEncoder.encode(wrongKey, StandardCharsets.UTF_8));
    }

    @Test
    void unreachableEndpoint_isOneClearLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        Cli.Result r = script(
                devEnvironment(),
                "query",
                "abs://" + CONTAINER + "/f_minimal?endpoint=http://127.0.0.1:" + closedPort,
                "select 1");

        assertOneLineError(r);
        assertThat(r.err()).contains("cannot reach http://127.0.0.1:" + closedPort);
    }

    private static void assertOneLineError(Cli.Result r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("litevfs: ");
        assertNoSecrets(r);
    }

    private static void assertNoSecrets(Cli.Result r) {
        String all = r.out() + r.err();
        assertThat(all)
                .as(r.toString())
                .doesNotContain(AzuriteServer.KEY)
                .doesNotContain(URLEncoder.encode(AzuriteServer.KEY, StandardCharsets.UTF_8))
                .doesNotContain(AzuriteServer.KEY.substring(0, 20));
    }

    private static Map<String, String> devEnvironment() {
        return Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
    }

    /** Runs {@code bin/litevfs} as a process with extra environment variables (and no inherited Azure ones). */
    private Cli.Result script(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Cli.root().resolve("bin/litevfs").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(tmp.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.startsWith("LITESTREAM_AZURE"));
        // Short-lived JVMs start faster without C2.
        pb.environment().put("LITEVFS_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/litevfs " + String.join(" ", args) + " timed out");
        }
        return new Cli.Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
