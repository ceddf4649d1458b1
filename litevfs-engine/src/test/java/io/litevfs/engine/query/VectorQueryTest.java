package io.litevfs.engine.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.LiteVfsRuntime;
import io.litevfs.engine.Row;
import io.litevfs.ltx.TxId;
import io.litevfs.testkit.Vectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest query, at the latest state and at every intermediate state, through the Java API. */
class VectorQueryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static LiteVfsRuntime vfs;

    @BeforeAll
    static void start() {
        vfs = LiteVfs.builder().vfsName("litevfs-vector-test").build();
    }

    @AfterAll
    static void stop() {
        vfs.close();
    }

    static Stream<Arguments> vectors() {
        return Vectors.all().stream().map(v -> Arguments.of(v.get("name").asText(), v));
    }

    static Stream<Arguments> intermediates() {
        List<Arguments> args = new ArrayList<>();
        for (JsonNode v : Vectors.all()) {
            if (v.has("intermediate")) {
                for (JsonNode it : v.get("intermediate")) {
                    if (!it.get("resolved_txid").asText().equals("0000000000000000")) {
                        args.add(Arguments.of(
                                v.get("name").asText() + " @"
                                        + it.get("target_txid").asText(),
                                v,
                                it));
                    }
                }
            }
        }
        return args.stream();
    }

    static JsonNode json(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : rows) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                values.add(r.get(i));
            }
            out.add(values);
        }
        // Round-trip through text so that numbers compare as the manifest's do (ints as ints, reals as reals).
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(out));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(LiteDatabase db, List<Vectors.Expectation> expectations, String what) {
        assertThat(expectations).as("expectations of %s", what).isNotEmpty();
        for (Vectors.Expectation e : expectations) {
            List<Row> rows = db.query(e.sql()).collectList().block();
            assertThat(json(rows))
                    .as("%s: %s (expected from %s)", what, e.sql(), e.source())
                    .isEqualTo(e.expected());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void query_latest_answersLikeTheManifest(String name, JsonNode vector) {
        try (LiteDatabase db = vfs.open(Vectors.url(vector))) {
            check(db, Vectors.latestExpectations(vector), name);
            assertThat(db.txId().block())
                    .isEqualTo(TxId.parse(vector.get("final_txid").asText()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intermediates")
    void query_intermediate_byTxidAndByTime(String name, JsonNode vector, JsonNode it) {
        TxId txid = TxId.parse(it.get("resolved_txid").asText());
        List<Vectors.Expectation> expectations = Vectors.intermediateExpectations(vector, it);
        try (LiteDatabase db = vfs.open(Vectors.url(vector))) {
            LiteDatabase byTxid = db.at(txid);
            check(byTxid, expectations, name + " --txid " + txid);
            assertThat(byTxid.txId().block()).isEqualTo(txid);
            byTxid.close();

            LiteDatabase byTime = db.at(Instant.parse(it.get("set_time").asText()));
            check(byTime, expectations, name + " --at " + it.get("set_time").asText());
            assertThat(byTime.txId().block()).isEqualTo(txid);
            byTime.close();
        }
    }
}
