package io.litevfs.cli;

import io.litevfs.engine.ImportResult;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.Replica;
import io.litevfs.engine.ReplicaInfo;
import io.litevfs.engine.RestoreResult;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.Row;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code litevfs demo}: a short end-to-end story on a local-directory replica. Every step checks its result and
 * the demo fails (non-zero exit) if one does not hold.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run a short end-to-end story on a local-directory replica: import, info, restore, query, verify.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Work in DIR (must be empty or absent) and keep it; default: a temporary directory that"
                    + " is deleted afterwards.")
    Path dir;

    private PrintWriter out;
    private int step;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        boolean keep = dir != null;
        Path work = keep ? dir.toAbsolutePath() : Files.createTempDirectory("litevfs-demo-");
        if (keep && Files.isDirectory(work)) {
            try (Stream<Path> s = Files.list(work)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--dir " + work + " is not empty");
                }
            }
        }
        Files.createDirectories(work);
        try {
            story(work);
        } finally {
            if (!keep) {
                deleteTree(work);
            }
        }
        return 0;
    }

    private void story(Path work) throws Exception {
        Path v1 = copyResource("bookstore-v1.db", work.resolve("bookstore-v1.db"));
        Path v2 = copyResource("bookstore-v2.db", work.resolve("bookstore-v2.db"));
        Path replicaDir = work.resolve("replica");
        String url = "file://" + replicaDir;

        out.println("litevfs demo: a bookstore database replicated to a local directory in Litestream's LTX format");
        out.println("replica: " + url);
        out.println();

        try (Replica replica = Replica.open(url)) {
            ImportResult first = replica.importDatabase(v1).block();
            say(
                    "import bookstore v1 (%d pages, 3000 orders) -> TXID %s, %s",
                    first.pageCount(), first.file().maxTxId(), first.file().describe());
            check(first.file().maxTxId().equals(TxId.of(1)), "the first import of an empty replica is TXID 1");
            Instant between = waitForNextMillisecond();

            ImportResult second = replica.importDatabase(v2).block();
            say(
                    "import bookstore v2 (%d pages, a day of new orders) -> TXID %s, %s",
                    second.pageCount(), second.file().maxTxId(), second.file().describe());
            check(second.file().maxTxId().equals(TxId.of(2)), "the next import is TXID 2");

            ReplicaInfo info = replica.info().block();
            say(
                    "info: TXID %s, page size %d, %d pages (%d bytes), %d LTX files (%d bytes)",
                    info.txId(), info.pageSize(), info.commit(), info.sizeBytes(), info.fileCount(), info.totalBytes());
            check(info.txId().equals(TxId.of(2)), "the latest state is TXID 2");

            RestoreResult latest = replica.restore(RestoreTarget.latest(), work.resolve("latest.db"), false)
                    .block();
            sayRestore("restore latest", latest, v2);

            RestoreResult atTx1 = replica.restore(RestoreTarget.txId(TxId.of(1)), work.resolve("txid-1.db"), false)
                    .block();
            sayRestore("restore --txid 1", atTx1, v1);

            RestoreResult atTime = replica.restore(RestoreTarget.time(between), work.resolve("at-time.db"), false)
                    .block();
            sayRestore("restore --at " + between, atTime, v1);
            check(atTime.plan().txId().equals(TxId.of(1)), "the point in time between the imports is TXID 1");

            // Query the replica in place, page by page, and compare with plain SQLite on the source files.
            String sql = "SELECT count(*), sum(qty), max(placed_at) FROM orders";
            try (LiteDatabase db = LiteVfs.open(url)) {
                List<Object> viaVfs = values(db.query(sql).blockLast());
                say("query via the litevfs VFS: %s -> %s", sql, viaVfs);
                check(viaVfs.equals(plainQuery(v2, sql)), "equal to plain SQLite on bookstore v2");
                List<Object> past = values(db.at(TxId.of(1)).query(sql).blockLast());
                say("query --txid 1: %s", past);
                check(past.equals(plainQuery(v1, sql)), "equal to plain SQLite on bookstore v1");
                String stats = db.query("PRAGMA litevfs_stats").blockLast().getString(0);
                say("PRAGMA litevfs_stats: %s", stats);
            }

            List<Path> ltxFiles = new ArrayList<>();
            try (Stream<Path> s = Files.walk(replicaDir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".ltx"))
                        .sorted()
                        .forEach(ltxFiles::add);
            }
            for (Path p : ltxFiles) {
                LtxCommand.Decoded d = LtxCommand.decode(p);
                say(
                        "ltx verify %s: ok, TXID %s-%s, %d pages, checksum %016x",
                        replicaDir.relativize(p),
                        d.header().minTxId(),
                        d.header().maxTxId(),
                        d.index().size(),
                        d.trailer().fileChecksum());
            }
            check(ltxFiles.size() == 2, "the replica holds two LTX files");
            check(
                    replica.listFiles().block().get(0).stream().allMatch(f -> f.size() > 0),
                    "the listing reports every file's size");
        }
        out.println();
        out.println("All steps checked. Try it yourself:");
        out.println("  bin/litevfs demo --dir /tmp/litevfs-demo   # keep the replica");
        out.println("  bin/litevfs info /tmp/litevfs-demo/replica");
        out.println("  bin/litevfs restore --txid 1 /tmp/litevfs-demo/replica /tmp/bookstore.db");
    }

    private static List<Object> values(Row row) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            values.add(row.get(i));
        }
        return values;
    }

    /** Runs a query on a local file with the same libsqlite3 and no litevfs in the way. */
    private static List<Object> plainQuery(Path db, String sql) throws Exception {
        try (SqliteConnection c = LiteVfs.shared().binding().open(db.toString(), SqliteCodes.OPEN_READONLY, null);
                SqliteStatement s = c.prepare(sql)) {
            List<Object> values = new ArrayList<>();
            if (s.step()) {
                for (int i = 0; i < s.columnCount(); i++) {
                    values.add(s.columnValue(i));
                }
            }
            return values;
        }
    }

    private void sayRestore(String what, RestoreResult r, Path expected) throws Exception {
        String got = sha256(r.output());
        String want = sha256(expected);
        say(
                "%s -> TXID %s, %s: %d pages, sha256 %s",
                what, r.plan().txId(), r.output().getFileName(), r.pageCount(), got.substring(0, 16));
        check(got.equals(want), r.output().getFileName() + " is byte-identical to " + expected.getFileName());
    }

    private void say(String format, Object... args) {
        step++;
        out.printf("%d. " + format + "%n", prepend(step, args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private void check(boolean ok, String claim) {
        if (!ok) {
            throw new IllegalStateException("demo check failed: " + claim);
        }
        out.println("   ✓ " + claim);
    }

    private static Instant waitForNextMillisecond() throws InterruptedException {
        // Header timestamps have millisecond resolution: make sure the next import is strictly later.
        Instant now = Instant.now();
        Thread.sleep(5);
        return now.plusMillis(1);
    }

    private static Path copyResource(String name, Path target) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new IOException("demo resource /demo/" + name + " is missing from the build");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p :
                    s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
