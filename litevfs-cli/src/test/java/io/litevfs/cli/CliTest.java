package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract (architecture.md §5), in-process. */
class CliTest {

    @TempDir
    Path tmp;

    private static Path vectors() {
        return Path.of(System.getProperty("litevfs.vectors"));
    }

    private Path demoDb(String name) throws IOException {
        Path db = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/demo/" + name)) {
            Files.copy(in, db, StandardCopyOption.REPLACE_EXISTING);
        }
        return db;
    }

    private static void assertOneLineError(Cli.Result r, int status, String... fragments) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.err()).as(r.toString()).startsWith("litevfs: ").doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(r.err()).as(r.toString()).contains(f);
        }
    }

    @Test
    void import_thenRestore_roundTripsByteForByte() throws Exception {
        Path v1 = demoDb("bookstore-v1.db");
        Path v2 = demoDb("bookstore-v2.db");
        String url = "file://" + tmp.resolve("replica");

        Cli.Result r = Cli.run("import", v1.toString(), url);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("as TXID 0000000000000001");
        r = Cli.run("import", v2.toString(), url);
        assertThat(r.out()).as(r.toString()).contains("as TXID 0000000000000002");

        assertThat(Cli.run("restore", url, tmp.resolve("latest.db").toString()).status())
                .isZero();
        assertThat(Cli.sha256(tmp.resolve("latest.db"))).isEqualTo(Cli.sha256(v2));
        assertThat(Cli.run("restore", "--txid", "1", url, tmp.resolve("one.db").toString())
                        .status())
                .isZero();
        assertThat(Cli.sha256(tmp.resolve("one.db"))).isEqualTo(Cli.sha256(v1));
    }

    @Test
    void import_intoReplicaWithOtherPageSize_isRefused() throws Exception {
        Path replica = tmp.resolve("r");
        copyTree(vectors().resolve("c_seeded_pagesize_1024"), replica);
        Cli.Result r = Cli.run("import", demoDb("bookstore-v1.db").toString(), replica.toString());
        assertOneLineError(r, 1, "page size 4096", "uses 1024");
    }

    @Test
    void import_withNonEmptyWal_isRefused() throws Exception {
        Path db = demoDb("bookstore-v1.db");
        Files.write(tmp.resolve("bookstore-v1.db-wal"), new byte[] {1, 2, 3});
        Cli.Result r = Cli.run("import", db.toString(), "file://" + tmp.resolve("replica"));
        assertOneLineError(r, 1, "write-ahead log", "wal_checkpoint");
        assertThat(tmp.resolve("replica")).doesNotExist();
    }

    @Test
    void import_notADatabase_isRefused() throws Exception {
        Path junk = tmp.resolve("junk.db");
        Files.writeString(junk, "hello, this is not a database at all".repeat(10));
        assertOneLineError(Cli.run("import", junk.toString(), tmp.resolve("r").toString()), 1, "not a SQLite database");
    }

    @Test
    void info_json_describesVector() throws Exception {
        Cli.Result r = Cli.run("info", "--json", "file://" + vectors().resolve("g_multilevel_synthetic"));
        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode info = new ObjectMapper().readTree(r.out());
        assertThat(info.get("txid").asText()).isEqualTo("000000000000001f");
        assertThat(info.get("page_size").asInt()).isEqualTo(4096);
        assertThat(info.get("file_count").asInt()).isEqualTo(13);
        assertThat(info.get("plan").get(0).asText()).isEqualTo("L9/0000000000000001-0000000000000014.ltx");
        assertThat(info.get("levels")).hasSize(3);
    }

    @Test
    void info_text_describesVector() {
        Cli.Result r = Cli.run("info", vectors().resolve("b_many_tx").toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("txid:       000000000000001f").contains("level 0:    31 files");
    }

    @Test
    void restore_existingOutput_isRefusedUnlessForced() throws Exception {
        String url = "file://" + vectors().resolve("a_single_tx");
        Path out = tmp.resolve("out.db");
        Files.writeString(out, "precious");
        assertOneLineError(Cli.run("restore", url, out.toString()), 1, "out.db", "exists");
        assertThat(Files.readString(out)).isEqualTo("precious");

        Files.writeString(tmp.resolve("out.db-wal"), "stale wal");
        assertThat(Cli.run("restore", "--force", url, out.toString()).status()).isZero();
        assertThat(tmp.resolve("out.db-wal")).doesNotExist();
        assertThat(out).hasSize(8192);
    }

    @Test
    void restore_unavailableTxid_namesOldestState() {
        Cli.Result r = Cli.run(
                "restore",
                "--txid",
                "5",
                "file://" + vectors().resolve("g_multilevel_synthetic"),
                tmp.resolve("x.db").toString());
        assertOneLineError(r, 1, "transaction not available", "oldest retained state: TXID 000000000000000a");
        assertThat(tmp.resolve("x.db")).doesNotExist();
    }

    @Test
    void errors_areOneLine() {
        assertOneLineError(Cli.run("info", "file://" + tmp.resolve("nothing-here")), 1, "no LTX files");
        assertOneLineError(Cli.run("info", "file://" + tmp + "?colour=blue"), 1, "unknown option 'colour'");
        assertOneLineError(Cli.run("info", "nosuch://bucket/x"), 1, "no storage backend for scheme 'nosuch://'");
        assertOneLineError(Cli.run("restore", "--txid", "zz", tmp.toString(), "x.db"), 1, "not a TXID: 'zz'");
        assertOneLineError(Cli.run("restore", "--at", "soon", tmp.toString(), "x.db"), 1, "not a point in time");
        assertOneLineError(Cli.run("ltx", "verify", tmp.resolve("missing.ltx").toString()), 1, "missing.ltx");
        assertOneLineError(Cli.run("bogus"), 2, "bogus");
        assertOneLineError(Cli.run("restore", "only-one-arg"), 2, "OUT_DB");
    }

    @Test
    void verbose_printsStackTrace() {
        Cli.Result r = Cli.run("--verbose", "restore", "file://" + tmp.resolve("nothing-here"), "x.db");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("\tat ");
    }

    @Test
    void ltxDump_printsHeaderIndexAndTrailer() {
        Path file = vectors().resolve("f_minimal/ltx/0/0000000000000001-0000000000000001.ltx");
        Cli.Result r = Cli.run("ltx", "dump", file.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("page size:   4096")
                .contains("commit:      1")
                .contains("flags:       0x00000002 (no checksum)")
                .contains("page 1          offset 100        frame 107 bytes")
                .contains("(verified)");
    }

    @Test
    void demo_runsItsStoryAndChecksEveryStep() {
        Cli.Result r = Cli.run("demo");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("All steps checked").doesNotContain("failed");
    }

    private static void copyTree(Path from, Path to) throws IOException {
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
