package io.litevfs.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.cli.interop.LitestreamVfs.LitestreamVfsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that {@link LitestreamVfs} drives the real Litestream VFS extension faithfully: every vector of {@code
 * testdata/vectors/manifest.json} gives, through the harness, exactly the answers the manifest recorded from the real
 * extension (queries, {@code litestream_txid()}, {@code .dump} hash, time travel), and write mode produces one L0
 * file per {@link LitestreamVfs#execute} call. A missing extension fails these tests (it never skips them).
 */
class LitestreamVfsHarnessIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path vectorsDir() {
        String prop = System.getProperty("litevfs.vectors");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        String root = System.getProperty("litevfs.root", "..");
        return Paths.get(root, "testdata", "vectors");
    }

    static JsonNode manifest() throws IOException {
        Path file = vectorsDir().resolve("manifest.json");
        assertThat(file).as("vector manifest (system property litevfs.vectors)").isRegularFile();
        return MAPPER.readTree(file.toFile());
    }

    static JsonNode vector(String name) throws IOException {
        for (JsonNode v : manifest().get("vectors")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no vector " + name + " in the manifest");
    }

    static Stream<String> vectorNames() throws IOException {
        List<String> names = StreamSupport.stream(manifest().get("vectors").spliterator(), false)
                .map(v -> v.get("name").asText())
                .collect(Collectors.toList());
        assertThat(names).as("vectors in the manifest").isNotEmpty();
        return names.stream();
    }

    private LitestreamVfs vfs() throws IOException {
        return LitestreamVfs.fromSystemProperties(Files.createDirectories(tmp.resolve("vfs-work")));
    }

    /** Copies a vector's replica directory and gives each LTX file its header timestamp as mtime (= CreatedAt). */
    private Path copyVector(JsonNode vector) throws IOException {
        Path src = vectorsDir().resolve(vector.get("directory").asText());
        Path dst = tmp.resolve("replica-" + vector.get("name").asText());
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        for (JsonNode f : vector.get("files")) {
            Path file = dst.resolve(f.get("path").asText());
            assertThat(file).as("file listed in the manifest").isRegularFile();
            Files.setLastModifiedTime(
                    file, FileTime.fromMillis(f.get("timestamp_ms").asLong()));
        }
        return dst;
    }

    /** A manifest result as Java values: integers as Long, reals as Double, text as String, null. */
    static List<List<Object>> expectedRows(JsonNode result) {
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : result) {
            List<Object> values = new ArrayList<>();
            for (JsonNode v : row) {
                if (v.isNull()) {
                    values.add(null);
                } else if (v.isIntegralNumber()) {
                    assertThat(v.canConvertToLong()).as("64-bit integer %s", v).isTrue();
                    values.add(v.longValue());
                } else if (v.isFloatingPointNumber()) {
                    values.add(v.doubleValue());
                } else if (v.isTextual()) {
                    values.add(v.textValue());
                } else {
                    throw new AssertionError("unexpected value in manifest result: " + v);
                }
            }
            rows.add(values);
        }
        return rows;
    }

    private static void checkQueries(
            SoftAssertions soft, String where, JsonNode queries, List<List<List<Object>>> actual) {
        for (int i = 0; i < queries.size(); i++) {
            JsonNode q = queries.get(i);
            soft.assertThat(typed(actual.get(i)))
                    .as("%s: %s", where, q.get("sql").asText())
                    .isEqualTo(typed(expectedRows(q.get("result"))));
        }
    }

    /** Renders values with their Java type, so that 1 (Long) and 1.0 (Double) never compare equal by accident. */
    private static List<List<String>> typed(List<List<Object>> rows) {
        return rows.stream()
                .map(r -> r.stream()
                        .map(v -> v == null ? "null" : v.getClass().getSimpleName() + ":" + v)
                        .collect(Collectors.toList()))
                .collect(Collectors.toList());
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorNames")
    void latestStateThroughTheRealExtensionMatchesTheManifest(String name) throws IOException {
        LitestreamVfs vfs = vfs();
        JsonNode vector = vector(name);
        JsonNode latest = vector.get("latest");
        Path replica = copyVector(vector);
        SoftAssertions soft = new SoftAssertions();

        JsonNode queries = latest.get("queries");
        assertThat(queries.size()).as("queries of %s", name).isPositive();
        for (JsonNode q : queries) {
            String sql = q.get("sql").asText();
            JsonNode result = q.get("result");
            if (result.isTextual() && result.asText().startsWith("ERROR:")) {
                String error = result.asText().substring("ERROR:".length()).strip();
                soft.assertThatThrownBy(() -> vfs.query(replica, sql))
                        .as("%s: %s", name, sql)
                        .isInstanceOf(LitestreamVfsException.class)
                        .hasMessageContaining(error);
            } else {
                // One fresh process (fresh open) per query, as the manifest's answers were read.
                soft.assertThat(typed(vfs.query(replica, sql)))
                        .as("%s: %s", name, sql)
                        .isEqualTo(typed(expectedRows(result)));
            }
        }
        soft.assertThat(vfs.txid(replica))
                .as("%s: litestream_txid()", name)
                .isEqualTo(latest.get("txid").asText());

        Path dump = vfs.dumpToFile(replica, tmp.resolve(name + ".dump.sql"));
        soft.assertThat(sha256(dump))
                .as(
                        "%s: sha256 of .dump (%s bytes expected, %s bytes got; sqlite3 %s)",
                        name, latest.get("dump_bytes").asLong(), Files.size(dump), vfs.sqliteVersion())
                .isEqualTo(latest.get("dump_sha256").asText());
        soft.assertAll();
    }

    @Test
    void timeTravelInOneConnectionMatchesTheManifest() throws IOException {
        LitestreamVfs vfs = vfs();
        JsonNode vector = vector("b_many_tx");
        Path replica = copyVector(vector);
        JsonNode intermediates = vector.get("intermediate");
        assertThat(intermediates.size()).isGreaterThan(3);
        SoftAssertions soft = new SoftAssertions();
        for (int index : new int[] {0, 4, 15, intermediates.size() - 2}) {
            JsonNode state = intermediates.get(index);
            JsonNode queries = state.get("queries");
            List<String> sqls = new ArrayList<>();
            sqls.add("SELECT litestream_set_time('" + state.get("set_time").asText() + "')");
            sqls.add("SELECT litestream_txid()");
            queries.forEach(q -> sqls.add(q.get("sql").asText()));
            List<List<List<Object>>> results = vfs.queryAll(replica, sqls.toArray(new String[0]));
            String where = "b_many_tx at " + state.get("set_time").asText();
            soft.assertThat(results.get(1))
                    .as("%s: litestream_txid()", where)
                    .isEqualTo(List.of(List.of(state.get("resolved_txid").asText())));
            checkQueries(soft, where, queries, results.subList(2, results.size()));
        }
        soft.assertAll();
    }

    @Test
    void writeModeUploadsOneL0FilePerTransaction() throws IOException {
        LitestreamVfs vfs = vfs();
        Path replica = Files.createDirectories(tmp.resolve("new-replica"));

        Path f1 = vfs.execute(
                replica,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL)",
                "INSERT INTO t(name, score) VALUES ('a', 1.5), ('b', 2)");
        Path f2 = vfs.execute(replica, "INSERT INTO t(name, score) VALUES ('c', NULL)");
        // Explicit transaction control runs verbatim.
        Path f3 = vfs.execute(replica, "BEGIN", "UPDATE t SET score = score * 2 WHERE name = 'a'", "COMMIT");

        Path l0 = replica.resolve("ltx/0");
        assertThat(List.of(f1, f2, f3))
                .containsExactly(
                        l0.resolve("0000000000000001-0000000000000001.ltx"),
                        l0.resolve("0000000000000002-0000000000000002.ltx"),
                        l0.resolve("0000000000000003-0000000000000003.ltx"));
        try (Stream<Path> files = Files.list(l0)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(
                            "0000000000000001-0000000000000001.ltx",
                            "0000000000000002-0000000000000002.ltx",
                            "0000000000000003-0000000000000003.ltx");
        }
        try (Stream<Path> all = Files.list(replica)) {
            assertThat(all.map(p -> p.getFileName().toString())).containsExactly("ltx");
        }

        assertThat(vfs.txid(replica)).isEqualTo("0000000000000003");
        assertThat(vfs.query(replica, "SELECT id, name, score FROM t ORDER BY id"))
                .isEqualTo(List.of(List.of(1L, "a", 3.0), List.of(2L, "b", 2.0), nullScoreRow()));
        assertThat(vfs.query(replica, "PRAGMA integrity_check")).isEqualTo(List.of(List.of("ok")));
        assertThat(vfs.query(replica, "PRAGMA page_count")).isEqualTo(List.of(List.of(2L)));
        assertThat(vfs.dump(replica)).contains("CREATE TABLE t(").contains("INSERT INTO t VALUES(3,'c',NULL);");

        // An empty transaction uploads nothing: execute() refuses, executeAllowingNoUpload() reports it.
        assertThat(vfs.executeAllowingNoUpload(replica, "SELECT 1")).isEmpty();
        assertThatThrownBy(() -> vfs.execute(replica, "SELECT 1"))
                .isInstanceOf(LitestreamVfsException.class)
                .hasMessageContaining("expected exactly one new L0 file");
        assertThat(vfs.txid(replica)).isEqualTo("0000000000000003");
    }

    private static List<Object> nullScoreRow() {
        List<Object> row = new ArrayList<>();
        row.add(3L);
        row.add("c");
        row.add(null);
        return row;
    }

    @Test
    void queryResultsKeepTypesColumnOrderAndRepeatedNames() throws IOException {
        LitestreamVfs vfs = vfs();
        Path replica = copyVector(vector("a_single_tx"));
        List<Object> row = new ArrayList<>();
        row.add(1L);
        row.add(1.0);
        row.add(1L);
        row.add("x\"\n\u00e9");
        row.add(null);
        row.add(-9223372036854775808L);
        row.add(2.5e300);
        assertThat(vfs.query(
                        replica,
                        "SELECT 1 AS a, 1.0 AS a, 1 AS a, 'x\"' || char(10) || char(233), NULL,"
                                + " -9223372036854775808, 2.5e300"))
                .containsExactly(row);
        assertThat(vfs.query(replica, "SELECT * FROM items WHERE 0")).isEmpty();
        assertThat(vfs.queryAll(replica, "SELECT 1", "SELECT 2 WHERE 0", "SELECT 3 -- trailing comment"))
                .containsExactly(List.of(List.of(1L)), List.of(), List.of(List.of(3L)));
    }

    @Test
    void failuresCarryStderr() throws IOException {
        LitestreamVfs vfs = vfs();
        Path replica = copyVector(vector("a_single_tx"));
        assertThatThrownBy(() -> vfs.query(replica, "SELECT * FROM no_such_table"))
                .isInstanceOf(LitestreamVfsException.class)
                .hasMessageContaining("no such table: no_such_table")
                .satisfies(
                        e -> assertThat(((LitestreamVfsException) e).exitCode()).isNotZero());
        Path empty = Files.createDirectories(tmp.resolve("empty-replica"));
        assertThatThrownBy(() -> vfs.query(empty, "SELECT 1"))
                .isInstanceOf(LitestreamVfsException.class)
                .hasMessageContaining("holds no LTX file");
    }

    @Test
    void missingExtensionFailsWithInstallInstructions() {
        String saved = System.getProperty(LitestreamVfs.SO_PROPERTY);
        System.setProperty(
                LitestreamVfs.SO_PROPERTY,
                tmp.resolve("nowhere/litestream-vfs.so").toString());
        try {
            assertThatThrownBy(() -> LitestreamVfs.fromSystemProperties(tmp))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("npm ci --no-audit --no-fund");
        } finally {
            if (saved == null) {
                System.clearProperty(LitestreamVfs.SO_PROPERTY);
            } else {
                System.setProperty(LitestreamVfs.SO_PROPERTY, saved);
            }
        }
    }
}
