package io.litevfs.engine.internal.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.litevfs.engine.Replica;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import io.litevfs.testkit.Vectors;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The VFS main-database file without SQLite: every byte it serves equals the restored image (but for the page-1
 * patch), for every vector, whatever the read sizes.
 */
class ReplicaFileTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> vectors() {
        return Vectors.all().stream().map(v -> Arguments.of(v.get("name").asText(), v));
    }

    private static EngineSqliteVfs vfs() {
        return new EngineSqliteVfs("test", new PageCache(64L << 20), Duration.ofSeconds(10));
    }

    private static SqliteFile open(EngineSqliteVfs vfs, String url, Map<String, String> extra) throws SqliteException {
        return vfs.open(
                "x.db",
                SqliteCodes.OPEN_MAIN_DB | SqliteCodes.OPEN_READONLY,
                name -> name.equals("replica") ? url : extra.get(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void read_everyByte_equalsRestoredImage(String name, JsonNode vector) throws Exception {
        Path image = tmp.resolve("image.db");
        try (Replica r = Replica.open(Vectors.url(vector))) {
            r.restore(RestoreTarget.latest(), image, false).block();
        }
        byte[] expected = Files.readAllBytes(image);
        EngineSqliteVfs vfs = vfs();
        SqliteFile file = open(vfs, Vectors.url(vector), Map.of());
        assertThat(file.size()).isEqualTo(expected.length);

        // Whole pages, as SQLite reads them.
        int ps = vector.get("ltx_page_size").asInt();
        byte[] actual = new byte[expected.length];
        for (int off = 0; off < expected.length; off += ps) {
            ByteBuffer dst = ByteBuffer.wrap(actual, off, Math.min(ps, expected.length - off));
            assertThat(file.read(off, dst)).isTrue();
        }
        // Page 1 is patched: rollback-journal mode and a change counter derived from the TXID.
        assertThat(actual[18]).isEqualTo((byte) 1);
        assertThat(actual[19]).isEqualTo((byte) 1);
        int counter = ByteBuffer.wrap(actual).getInt(24);
        assertThat(counter & 0x7fffffff)
                .isEqualTo((int) TxId.parse(vector.get("final_txid").asText()).value());
        assertThat(ByteBuffer.wrap(actual).getInt(92)).isNotEqualTo(counter);
        for (int i : new int[] {18, 19, 24, 25, 26, 27}) {
            actual[i] = expected[i];
        }
        assertThat(actual).isEqualTo(expected);

        // Odd-sized reads across page boundaries serve the same bytes.
        if (expected.length > 3 * ps) {
            byte[] slice = new byte[ps + 333];
            file.read(ps - 100, ByteBuffer.wrap(slice));
            byte[] want = java.util.Arrays.copyOfRange(expected, ps - 100, ps - 100 + slice.length);
            assertThat(slice).isEqualTo(want);
        }
        // Past the end: a short read.
        ByteBuffer past = ByteBuffer.allocate(ps);
        assertThat(file.read(expected.length, past)).isFalse();
        file.close();
        assertThat(vfs.openFiles()).isZero();
    }

    @Test
    void read_scan_coalescesFramesIntoFewRequests() throws Exception {
        JsonNode vector = Vectors.all().stream()
                .filter(v -> v.get("name").asText().equals("f_sparse_many_pages"))
                .findFirst()
                .orElseThrow();
        EngineSqliteVfs vfs = vfs();
        SqliteFile file = open(vfs, Vectors.url(vector), Map.of());
        long size = file.size();
        ByteBuffer page = ByteBuffer.allocate(4096);
        for (long off = 0; off < size; off += 4096) {
            page.clear();
            file.read(off, page);
        }
        ReplicaHandle handle = vfs.replica(Vectors.url(vector));
        long pages = size / 4096;
        // One request per page would be ~36 000; read-ahead makes it a few hundred at most.
        assertThat(handle.stats().requests()).isLessThan(pages / 50);
        assertThat(handle.stats().pagesFetched()).isLessThanOrEqualTo(pages);
    }

    @Test
    void open_atTxid_servesThatState() throws Exception {
        JsonNode vector = Vectors.all().stream()
                .filter(v -> v.get("name").asText().equals("e_shrink_vacuum"))
                .findFirst()
                .orElseThrow();
        EngineSqliteVfs vfs = vfs();
        for (JsonNode it : vector.get("intermediate")) {
            SqliteFile f = open(
                    vfs,
                    Vectors.url(vector),
                    Map.of("txid", it.get("resolved_txid").asText()));
            assertThat(f.size()).isEqualTo(it.get("restored_db_bytes").asLong());
            f.close();
        }
    }

    @Test
    void open_withoutReplica_isCantOpen() {
        assertThatThrownBy(() -> vfs().open("x.db", SqliteCodes.OPEN_MAIN_DB, name -> null))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("no replica")
                .extracting(e -> ((SqliteException) e).code())
                .isEqualTo(SqliteCodes.CANTOPEN);
    }

    @Test
    void read_missingLtxFile_failsNamingItThenRecovers() throws Exception {
        Path replica = tmp.resolve("r");
        copyTree(Vectors.dir().resolve("d_blob_index"), replica);
        EngineSqliteVfs vfs = vfs();
        SqliteFile file = open(vfs, "file://" + replica, Map.of());
        // The largest file: the open read only its head and tail, so its middle frames are not cached.
        Path victim = replica.resolve("ltx/0/0000000000000004-0000000000000004.ltx");
        Path aside = tmp.resolve("aside.ltx");
        Files.move(victim, aside);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        SqliteException failure = null;
        for (long off = 0; off < file.size() && failure == null; off += 4096) {
            buf.clear();
            try {
                file.read(off, buf);
            } catch (SqliteException e) {
                failure = e;
            }
        }
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("L0/0000000000000004-0000000000000004.ltx");
        assertThat(failure.code()).isEqualTo(SqliteCodes.IOERR_READ);
        Files.move(aside, victim);
        for (long off = 0; off < file.size(); off += 4096) {
            buf.clear();
            assertThat(file.read(off, buf)).isTrue();
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
