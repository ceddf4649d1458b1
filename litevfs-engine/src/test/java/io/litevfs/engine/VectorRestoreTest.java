package io.litevfs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.testkit.Vectors;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Restores every state the manifest records, for every vector, and compares the bytes with what the real
 * Litestream produced (sha256 of the restored image), and the plan with Litestream's plan.
 */
class VectorRestoreTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> vectors() {
        return Vectors.all().stream().map(v -> Arguments.of(v.get("name").asText(), v));
    }

    static Stream<Arguments> intermediates() {
        List<Arguments> args = new ArrayList<>();
        for (JsonNode v : Vectors.all()) {
            if (v.has("intermediate")) {
                for (JsonNode it : v.get("intermediate")) {
                    args.add(Arguments.of(
                            v.get("name").asText() + " @"
                                    + it.get("target_txid").asText(),
                            v,
                            it));
                }
            }
        }
        return args.stream();
    }

    private static List<String> paths(RestorePlan plan) {
        return plan.files().stream().map(VectorRestoreTest::path).toList();
    }

    private static String path(LtxFileInfo f) {
        return "ltx/" + f.level() + "/" + f.fileName();
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void restore_latest_matchesLitestreamImage(String name, JsonNode vector) {
        JsonNode latest = vector.get("latest");
        try (Replica replica = Replica.open(Vectors.url(vector))) {
            Path out = tmp.resolve(name + ".db");
            RestoreResult r =
                    replica.restore(RestoreTarget.latest(), out, false).block();

            assertThat(paths(r.plan())).containsExactlyElementsOf(texts(latest.get("restore_plan")));
            assertThat(r.plan().txId()).isEqualTo(TxId.parse(latest.get("txid").asText()));
            assertThat(out).hasSize(latest.get("restored_image_bytes").asLong());
            assertThat(Vectors.sha256(out))
                    .isEqualTo(latest.get("restored_image_sha256").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intermediates")
    void restore_intermediateByTxid_matchesLitestreamImage(String name, JsonNode vector, JsonNode it) {
        TxId resolved = TxId.parse(it.get("resolved_txid").asText());
        try (Replica replica = Replica.open(Vectors.url(vector))) {
            if (resolved.isZero()) {
                // Litestream could not build this state (g_multilevel_synthetic: L0 history compacted away).
                RestoreTarget target =
                        RestoreTarget.txId(TxId.parse(it.get("target_txid").asText()));
                assertThatThrownBy(() -> replica.plan(target).block())
                        .isInstanceOf(ReplicaException.NotAvailable.class)
                        .hasMessageContaining("transaction not available");
                return;
            }
            Path out = tmp.resolve("state.db");
            RestoreResult r =
                    replica.restore(RestoreTarget.txId(resolved), out, false).block();

            assertThat(r.plan().txId()).isEqualTo(resolved);
            assertThat(paths(r.plan())).containsExactlyElementsOf(texts(it.get("restore_plan")));
            assertThat(out).hasSize(it.get("restored_db_bytes").asLong());
            assertThat(Vectors.sha256(out))
                    .isEqualTo(it.get("restored_db_sha256").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intermediates")
    void plan_atSetTime_resolvesLikeLitestream(String name, JsonNode vector, JsonNode it) {
        // set_time is the header timestamp of the target's file + 1 ms; git checkouts have no such mtimes, so
        // this only passes because plans read header timestamps.
        RestoreTarget target =
                RestoreTarget.time(Instant.parse(it.get("set_time").asText()));
        TxId resolved = TxId.parse(it.get("resolved_txid").asText());
        try (Replica replica = Replica.open(Vectors.url(vector))) {
            if (resolved.isZero()) {
                assertThatThrownBy(() -> replica.plan(target).block())
                        .isInstanceOf(ReplicaException.NotAvailable.class)
                        .hasMessageContaining("transaction not available");
                return;
            }
            RestorePlan plan = replica.plan(target).block();
            assertThat(plan.txId()).isEqualTo(resolved);
            assertThat(paths(plan)).containsExactlyElementsOf(texts(it.get("restore_plan")));
        }
    }
}
