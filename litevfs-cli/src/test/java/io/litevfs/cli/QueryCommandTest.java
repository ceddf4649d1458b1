package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.testkit.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code litevfs query} and {@code litevfs shell}, in-process. */
class QueryCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    static Stream<Arguments> vectors() {
        return Vectors.all().stream().map(v -> Arguments.of(v.get("name").asText(), v));
    }

    static Stream<Arguments> intermediates() {
        List<Arguments> args = new ArrayList<>();
        for (String name : List.of(
                "b_many_tx",
                "g_legacy_lz4_frame",
                "c_seeded_pagesize_1024",
                "e_shrink_vacuum",
                "g_multilevel_synthetic")) {
            JsonNode v = Vectors.byName(name);
            for (JsonNode it : v.get("intermediate")) {
                if (!it.get("resolved_txid").asText().equals("0000000000000000")) {
                    args.add(Arguments.of(name + " @" + it.get("target_txid").asText(), v, it));
                }
            }
        }
        return args.stream();
    }

    private static void check(List<Vectors.Expectation> expectations, String... targetArgs) throws Exception {
        for (Vectors.Expectation e : expectations) {
            List<String> args = new ArrayList<>(List.of("query", "--format", "json"));
            args.addAll(List.of(targetArgs));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.status()).as("%s: %s", e.sql(), r).isZero();
            assertThat(r.out().strip().lines()).hasSize(1);
            assertThat(MAPPER.readTree(r.out()))
                    .as("%s %s (expected from %s)", List.of(targetArgs), e.sql(), e.source())
                    .isEqualTo(e.expected());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void query_json_everyManifestQueryAtLatest(String name, JsonNode vector) throws Exception {
        for (Vectors.Expectation e : Vectors.latestExpectations(vector)) {
            check(List.of(e), Vectors.url(vector), e.sql());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intermediates")
    void query_intermediate_byTxidAndAt(String name, JsonNode vector, JsonNode it) throws Exception {
        for (Vectors.Expectation e : Vectors.intermediateExpectations(vector, it)) {
            check(List.of(e), "--txid", it.get("resolved_txid").asText(), Vectors.url(vector), e.sql());
            check(List.of(e), "--at", it.get("set_time").asText(), Vectors.url(vector), e.sql());
        }
    }

    @Test
    void query_formats() {
        String url = Vectors.url(Vectors.byName("a_single_tx"));
        Cli.Result json = Cli.run("query", url, "SELECT id, name, price, NULL, x'00ff' FROM items WHERE id <= 2");
        assertThat(json.out().strip())
                .startsWith("[[1,\"")
                .contains("{\"blob\":\"00ff\"}")
                .contains("null");
        Cli.Result csv = Cli.run("query", "--format", "csv", url, "SELECT id, 'a,b' AS t FROM items WHERE id = 1");
        assertThat(csv.out()).isEqualTo("id,t" + System.lineSeparator() + "1,\"a,b\"" + System.lineSeparator());
        Cli.Result table = Cli.run("query", "--format", "table", url, "SELECT count(*) AS n FROM items");
        assertThat(table.out()).contains("n").contains("20").contains("(1 row)");
        Cli.Result bad = Cli.run("query", "--format", "xml", url, "SELECT 1");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown format 'xml'");
    }

    @Test
    void query_errors_areOneLine() {
        String url = Vectors.url(Vectors.byName("a_single_tx"));
        Cli.Result r = Cli.run("query", url, "SELECT nope FROM items");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("no such column: nope");
        Cli.Result gone = Cli.run("query", "--txid", "99", url, "SELECT 1");
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).contains("transaction not available");
    }

    @Test
    void shell_runsStatementsAndDotCommands() {
        String input = String.join(
                "\n",
                ".tables",
                "SELECT count(*)",
                "  FROM items;",
                ".mode json",
                "SELECT name FROM items WHERE id = 1;",
                ".txid",
                "SELECT broken;",
                ".quit",
                "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShellCommand.testInput = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        ShellCommand.testOutput = out;
        try {
            Cli.Result r = Cli.run(
                    "shell",
                    "--history",
                    tmp.resolve("history").toString(),
                    Vectors.url(Vectors.byName("a_single_tx")));
            assertThat(r.status()).as(r.toString()).isZero();
        } finally {
            ShellCommand.testInput = null;
            ShellCommand.testOutput = null;
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("items")
                .contains("20")
                .contains("[[\"")
                .contains("0000000000000001")
                .contains("Error: no such column: broken");
    }

    @Test
    void isComplete_understandsQuotesAndComments() {
        assertThat(ShellCommand.isComplete("SELECT 1;")).isTrue();
        assertThat(ShellCommand.isComplete("SELECT ';'")).isFalse();
        assertThat(ShellCommand.isComplete("SELECT 1; -- done")).isTrue();
        assertThat(ShellCommand.isComplete("SELECT /* ; */ 1")).isFalse();
        assertThat(ShellCommand.isComplete("SELECT 1")).isFalse();
    }
}
