package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.testkit.Vectors;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector, copied into Litestream's S3 layout on S3Proxy, answers every manifest query ({@link
 * Vectors#latestExpectations}) through {@code litevfs query s3://…} and {@code litevfs query tigris://…}, in-process
 * (the same command and class path as the script; a JVM start per query would cost minutes on the CI machine), and
 * for a few vectors also through {@code bin/litevfs} as a process with credentials from {@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY}.
 */
class S3VectorsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BUCKET = "litevfs-vectors";
    /** Vectors also queried through bin/litevfs as a process: one file, many pages of 64 KiB, nine levels. */
    private static final java.util.Set<String> PROCESS_VECTORS =
            java.util.Set.of("a_single_tx", "c_seeded_pagesize_65536", "g_multilevel_synthetic");

    @TempDir
    Path tmp;

    @BeforeAll
    static void uploadVectors() {
        S3Fixture.server().createBucket(BUCKET);
        for (JsonNode v : Vectors.all()) {
            String name = v.get("name").asText();
            if (S3Fixture.level0(BUCKET, name).isEmpty() && !S3Fixture.hasLtx(BUCKET, name)) {
                assertThat(S3Fixture.upload(
                                Vectors.dir().resolve(v.get("directory").asText()), BUCKET, name))
                        .isPositive();
            }
        }
    }

    static Stream<Arguments> vectors() {
        return Vectors.all().stream().map(v -> Arguments.of(v.get("name").asText(), v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void s3_everyManifestQuery(String name, JsonNode vector) throws Exception {
        List<Vectors.Expectation> expectations = Vectors.latestExpectations(vector);
        for (Vectors.Expectation e : expectations) {
            check(name, e, Cli.run("query", "--format", "json", S3Fixture.s3UrlWithKeys(BUCKET, name), e.sql()));
        }
        if (!PROCESS_VECTORS.contains(name)) {
            return;
        }
        // As a user runs it: bin/litevfs, credentials from the environment.
        Vectors.Expectation first = expectations.get(0);
        Cli.Result r = Cli.script(
                tmp,
                S3Fixture.credentialsEnv(),
                "query",
                "--format",
                "json",
                S3Fixture.s3Url(BUCKET, name),
                first.sql());
        check(name, first, r);
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void tigris_everyManifestQuery(String name, JsonNode vector) throws Exception {
        String url = "tigris://" + BUCKET + "/" + name + "?endpoint="
                + S3Fixture.server().endpoint()
                + "&access-key-id=" + io.litevfs.storage.s3.S3ProxyServer.ACCESS_KEY + "&secret-access-key="
                + io.litevfs.storage.s3.S3ProxyServer.SECRET_KEY;
        for (Vectors.Expectation e : Vectors.latestExpectations(vector)) {
            check(name, e, Cli.run("query", "--format", "json", url, e.sql()));
        }
        if (name.equals("g_multilevel_synthetic")) {
            Vectors.Expectation last = Vectors.latestExpectations(vector).get(0);
            check(
                    name,
                    last,
                    Cli.script(
                            tmp,
                            S3Fixture.credentialsEnv(),
                            "query",
                            "--format",
                            "json",
                            S3Fixture.tigrisUrl(BUCKET, name),
                            last.sql()));
        }
    }

    private static void check(String name, Vectors.Expectation e, Cli.Result r) throws Exception {
        assertThat(r.status()).as("%s: %s: %s", name, e.sql(), r).isZero();
        assertThat(MAPPER.readTree(r.out()))
                .as("%s: %s (expected from %s)", name, e.sql(), e.source())
                .isEqualTo(e.expected());
    }
}
