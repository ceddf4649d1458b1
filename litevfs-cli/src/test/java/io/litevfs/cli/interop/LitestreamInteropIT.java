package io.litevfs.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.cli.CliAccess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop both ways with the real Litestream VFS extension:
 *
 * <ol>
 *   <li>a database imported with {@code litevfs import} into a local directory reads through the real extension
 *       with the same answers as plain SQLite on the source file, and {@code integrity_check} is ok;
 *   <li>after the real extension, in write mode, appends transactions to that replica, {@code litevfs restore}
 *       yields exactly the database that SQLite sees through the extension ({@code .dump} equal, same answers).
 * </ol>
 */
class LitestreamInteropIT {

    private static final List<String> QUERIES = List.of(
            "SELECT count(*), sum(qty), min(placed_at), max(placed_at) FROM orders",
            "SELECT count(*), sum(price), max(year) FROM books",
            "SELECT a.country, count(*), round(sum(b.price), 2) FROM books b JOIN authors a ON a.id = b.author_id"
                    + " GROUP BY a.country ORDER BY a.country",
            "SELECT id, qty, placed_at FROM orders WHERE book_id = 17 ORDER BY id",
            "PRAGMA page_count",
            "PRAGMA integrity_check");

    @TempDir
    Path tmp;

    private LitestreamVfs vfs;
    private Path sqlite3;

    @BeforeEach
    void setUp() throws IOException {
        vfs = LitestreamVfs.fromSystemProperties(Files.createDirectories(tmp.resolve("vfs-work")));
        sqlite3 = Path.of(System.getProperty(LitestreamVfs.SQLITE3_PROPERTY, "/usr/bin/sqlite3"));
    }

    private Path demoDb(String name) throws IOException {
        Path db = tmp.resolve(name);
        try (InputStream in = CliAccess.class.getResourceAsStream("/demo/" + name)) {
            Files.copy(in, db, StandardCopyOption.REPLACE_EXISTING);
        }
        return db;
    }

    /** Runs plain sqlite3 on a local file (no extension loaded in this process) and returns its stdout. */
    private String plain(Path db, String... dotCommandsAndSql) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(sqlite3.toString(), "-init", "/dev/null", "-batch", "-bail"));
        cmd.add(db.toString());
        cmd.addAll(List.of(dotCommandsAndSql));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("sqlite3 %s: %s", List.of(dotCommandsAndSql), text)
                .isZero();
        return text;
    }

    private List<List<Object>> plainQuery(Path db, String sql) throws Exception {
        return LitestreamVfs.parseRows(plain(db, "-json", sql));
    }

    @Test
    void realVfs_readsWhatLitevfsImported() throws Exception {
        Path source = demoDb("bookstore-v2.db");
        Path replica = tmp.resolve("replica");
        CliAccess.Result r = CliAccess.run("import", source.toString(), "file://" + replica);
        assertThat(r.status()).as(r.toString()).isZero();

        for (String sql : QUERIES) {
            assertThat(vfs.query(replica, sql)).as(sql).isEqualTo(plainQuery(source, sql));
        }
        assertThat(vfs.query(replica, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(vfs.txid(replica)).isEqualTo("0000000000000001");
        assertThat(vfs.dump(replica)).isEqualTo(plain(source, ".dump"));
    }

    @Test
    void litevfsRestore_yieldsWhatRealVfsWrote() throws Exception {
        Path source = demoDb("bookstore-v1.db");
        Path replica = tmp.resolve("replica");
        assertThat(CliAccess.run("import", source.toString(), "file://" + replica)
                        .status())
                .isZero();

        // The real extension appends four transactions (TXIDs 2..5), one L0 file each; the last grows the file.
        vfs.execute(replica, "INSERT INTO orders(book_id, qty, placed_at) VALUES (1, 5, '2026-11-21 13:00:00')");
        vfs.execute(replica, "UPDATE books SET price = price + 1 WHERE id < 50");
        vfs.execute(replica, "DELETE FROM orders WHERE id < 100");
        vfs.execute(
                replica,
                "INSERT INTO orders(book_id, qty, placed_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                        + " SELECT i + 1 FROM n WHERE i < 2000) SELECT 1 + i % 400, 1 + i % 5, '2026-11-22 08:00:00' FROM n");
        assertThat(vfs.txid(replica)).isEqualTo("0000000000000005");

        Path restored = tmp.resolve("restored.db");
        CliAccess.Result r = CliAccess.run("restore", "file://" + replica, restored.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("TXID 0000000000000005");

        assertThat(plain(restored, ".dump")).isEqualTo(vfs.dump(replica));
        for (String sql : QUERIES) {
            assertThat(plainQuery(restored, sql)).as(sql).isEqualTo(vfs.query(replica, sql));
        }
        assertThat(plainQuery(restored, "PRAGMA integrity_check")).containsExactly(List.of("ok"));

        // An intermediate state, by TXID, against the extension's own time travel to that state.
        Path atThree = tmp.resolve("txid3.db");
        assertThat(CliAccess.run("restore", "--txid", "3", "file://" + replica, atThree.toString())
                        .status())
                .isZero();
        assertThat(plainQuery(atThree, "SELECT count(*), sum(price) FROM books"))
                .isNotEqualTo(plainQuery(source, "SELECT count(*), sum(price) FROM books"));
        assertThat(plainQuery(atThree, "SELECT count(*) FROM orders")).isEqualTo(List.of(List.of(3001L)));
    }
}
