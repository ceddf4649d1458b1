package io.litevfs.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.cli.CliAccess;
import io.litevfs.cli.S3Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the real Litestream VFS through S3 (S3Proxy): it reads what {@code litevfs import} wrote to S3, and
 * litevfs restores and queries what it wrote there in write mode. Its replica URL is {@code
 * s3://bucket/prefix?endpoint=http://127.0.0.1:PORT&region=us-east-1&force-path-style=true}, credentials from
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}; {@code AWS_CA_BUNDLE} is unset (its Go SDK refuses to
 * start with it).
 */
class LitestreamS3InteropIT {

    private static final List<String> QUERIES = List.of(
            "SELECT count(*), sum(qty), min(placed_at), max(placed_at) FROM orders",
            "SELECT count(*), sum(price), max(year) FROM books",
            "SELECT id, qty, placed_at FROM orders WHERE book_id = 17 ORDER BY id",
            "PRAGMA integrity_check");

    @TempDir
    Path tmp;

    private LitestreamVfs vfs;
    private String bucket;

    @BeforeEach
    void setUp() throws IOException {
        vfs = LitestreamVfs.fromSystemProperties(Files.createDirectories(tmp.resolve("vfs-work")));
        bucket = S3Fixture.server().newBucket("interop");
    }

    private Path demoDb(String name) throws IOException {
        Path db = tmp.resolve(name);
        try (InputStream in = CliAccess.class.getResourceAsStream("/demo/" + name)) {
            Files.copy(in, db, StandardCopyOption.REPLACE_EXISTING);
        }
        return db;
    }

    private LitestreamVfs.Replica replica(String prefix) {
        return new LitestreamVfs.Replica(
                S3Fixture.s3Url(bucket, prefix)
                        .replace("endpoint=http%3A%2F%2F", "endpoint=http://")
                        .replace("%3A", ":"),
                Map.copyOf(S3Fixture.credentialsEnv()),
                () -> S3Fixture.level0(bucket, prefix),
                () -> S3Fixture.hasLtx(bucket, prefix),
                "s3://" + bucket + "/" + prefix);
    }

    /** Parses {@code litevfs query --format json} output into the harness's row shape. */
    private static List<List<Object>> rows(String json) throws IOException {
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode row :
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)) {
            List<Object> values = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode v : row) {
                values.add(
                        v.isNull()
                                ? null
                                : v.isIntegralNumber()
                                        ? (Object) v.asLong()
                                        : v.isNumber() ? (Object) v.asDouble() : v.asText());
            }
            rows.add(values);
        }
        return rows;
    }

    @Test
    void realVfs_readsWhatLitevfsImportedToS3() throws Exception {
        Path source = demoDb("bookstore-v2.db");
        CliAccess.Result r = CliAccess.run("import", source.toString(), S3Fixture.s3UrlWithKeys(bucket, "db"));
        assertThat(r.status()).as(r.toString()).isZero();

        LitestreamVfs.Replica replica = replica("db");
        assertThat(vfs.txid(replica)).isEqualTo("0000000000000001");
        for (String sql : QUERIES) {
            CliAccess.Result ours =
                    CliAccess.run("query", "--format", "json", S3Fixture.s3UrlWithKeys(bucket, "db"), sql);
            assertThat(ours.status()).as(ours.toString()).isZero();
            assertThat(vfs.query(replica, sql)).as(sql).isEqualTo(rows(ours.out()));
        }
        assertThat(vfs.query(replica, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    @Test
    void litevfs_readsWhatRealVfsWroteToS3() throws Exception {
        Path source = demoDb("bookstore-v1.db");
        String url = S3Fixture.s3UrlWithKeys(bucket, "db");
        assertThat(CliAccess.run("import", source.toString(), url).status()).isZero();

        LitestreamVfs.Replica replica = replica("db");
        vfs.execute(replica, "INSERT INTO orders(book_id, qty, placed_at) VALUES (1, 5, '2026-11-21 13:00:00')");
        vfs.execute(replica, "UPDATE books SET price = price + 1 WHERE id < 50");
        vfs.execute(
                replica,
                "INSERT INTO orders(book_id, qty, placed_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                        + " SELECT i + 1 FROM n WHERE i < 2000) SELECT 1 + i % 400, 1 + i % 5, '2026-11-22 08:00:00' FROM n");
        assertThat(vfs.txid(replica)).isEqualTo("0000000000000004");

        Path restored = tmp.resolve("restored.db");
        CliAccess.Result r = CliAccess.run("restore", url, restored.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("TXID 0000000000000004");
        for (String sql : QUERIES) {
            CliAccess.Result ours = CliAccess.run("query", "--format", "json", url, sql);
            assertThat(ours.status()).as(ours.toString()).isZero();
            assertThat(rows(ours.out())).as(sql).isEqualTo(vfs.query(replica, sql));
        }
        assertThat(vfs.dump(replica)).isNotEmpty();
    }
}
