package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Done-means of the foundation issue, run the way a user runs them: {@code bin/litevfs} as a process, from
 * another working directory, after {@code mvn package}.
 */
class BinLitevfsIT {

    @TempDir
    Path tmp;

    private static Path vectors() {
        return Path.of(System.getProperty("litevfs.vectors"));
    }

    static Stream<Arguments> vectorList() throws Exception {
        JsonNode manifest =
                new ObjectMapper().readTree(vectors().resolve("manifest.json").toFile());
        List<Arguments> list = new ArrayList<>();
        manifest.get("vectors").forEach(v -> list.add(Arguments.of(v.get("name").asText(), v)));
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorList")
    void restore_latest_matchesManifest(String name, JsonNode vector) throws Exception {
        Path out = tmp.resolve("out.db");
        Cli.Result r = Cli.script(tmp, "restore", "file://" + vectors().resolve(name), "out.db");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Cli.sha256(out))
                .isEqualTo(vector.get("latest").get("restored_image_sha256").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorList")
    void restore_everyIntermediateTxid_matchesManifest(String name, JsonNode vector) {
        if (!vector.has("intermediate")) {
            return;
        }
        int checked = 0;
        for (JsonNode it : vector.get("intermediate")) {
            String txid = it.get("resolved_txid").asText();
            if (txid.equals("0000000000000000")) {
                continue;
            }
            Path out = tmp.resolve(txid + "-" + checked + ".db");
            Cli.Result r =
                    Cli.run("restore", "--txid", txid, "file://" + vectors().resolve(name), out.toString());
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(Cli.sha256(out))
                    .as("%s at TXID %s", name, txid)
                    .isEqualTo(it.get("restored_db_sha256").asText());
            checked++;
        }
        assertThat(checked).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorList")
    void query_firstManifestQuery_throughScript(String name, JsonNode vector) throws Exception {
        // One process per vector proves the script end to end; QueryCommandTest runs every manifest query of every
        // vector through the same command in-process.
        ObjectMapper mapper = new ObjectMapper();
        for (io.litevfs.testkit.Vectors.Expectation e :
                io.litevfs.testkit.Vectors.latestExpectations(vector).subList(0, 1)) {
            Cli.Result r = Cli.script(
                    tmp, "query", "--format", "json", "file://" + vectors().resolve(name), e.sql());
            assertThat(r.status()).as("%s: %s", e.sql(), r).isZero();
            assertThat(mapper.readTree(r.out()))
                    .as("%s: %s (expected from %s)", name, e.sql(), e.source())
                    .isEqualTo(e.expected());
        }
    }

    @Test
    void ltxVerify_everyVectorFile_throughScript() throws Exception {
        List<String> args = new ArrayList<>(List.of("ltx", "verify"));
        LtxVerifyTest.vectorFiles().forEach(p -> args.add(p.toString()));
        Cli.Result r = Cli.script(tmp, args.toArray(String[]::new));
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out().lines()).allMatch(l -> l.startsWith("ok "));
    }

    @Test
    void demo_throughScript() throws Exception {
        Cli.Result r = Cli.script(tmp, "demo");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("All steps checked");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void error_throughScript_isOneLineWithoutStackTrace() throws Exception {
        Cli.Result r = Cli.script(tmp, "restore", "file://" + tmp.resolve("none"), "x.db");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("litevfs: ").contains("no LTX files");
    }
}
