package io.litevfs.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.cli.S3Fixture;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.Row;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Litestream VFS writes one transaction at a time into a replica (a local directory, and S3 on S3Proxy)
 * while {@code litevfs watch}
 * follows it and a reader queries continuously: watch reports every TXID within 2 s of its upload, and the reader
 * only ever sees states that satisfy the writer's invariant ({@code c.n = count(t)}, kept in every transaction).
 */
class FollowerInteropIT {

    private static final int TRANSACTIONS = 8;

    @TempDir
    Path tmp;

    @Test
    void localDirectory_watchAndReaderFollowTheRealLitestreamWriter() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("replica"));
        follow(LitestreamVfs.Replica.dir(dir), "file://" + dir);
    }

    @Test
    void s3_watchAndReaderFollowTheRealLitestreamWriter() throws Exception {
        String bucket = S3Fixture.server().newBucket("follow");
        LitestreamVfs.Replica replica = new LitestreamVfs.Replica(
                S3Fixture.s3Url(bucket, "db")
                        .replace("endpoint=http%3A%2F%2F", "endpoint=http://")
                        .replace("%3A", ":"),
                Map.copyOf(S3Fixture.credentialsEnv()),
                () -> S3Fixture.level0(bucket, "db"),
                () -> S3Fixture.hasLtx(bucket, "db"),
                "s3://" + bucket + "/db");
        follow(replica, S3Fixture.s3UrlWithKeys(bucket, "db"));
    }

    private void follow(LitestreamVfs.Replica replica, String url) throws Exception {
        LitestreamVfs writer = LitestreamVfs.fromSystemProperties(Files.createDirectories(tmp.resolve("vfs-work")));
        writer.execute(
                replica,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TABLE c(n INTEGER)",
                "INSERT INTO c VALUES (0)");

        Path root = Path.of(System.getProperty("litevfs.root"));
        Process watch = new ProcessBuilder(
                        root.resolve("bin/litevfs").toString(), "watch", "--count", Integer.toString(TRANSACTIONS), url)
                .redirectError(tmp.resolve("watch.err").toFile())
                .start();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        List<String> lines = new ArrayList<>();
        Thread stdout = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                ObjectMapper mapper = new ObjectMapper();
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    JsonNode v = mapper.readTree(line);
                    seenAt.put(v.get("txid").asText(), System.nanoTime());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stdout.start();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong maxSeen = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (LiteDatabase db = LiteVfs.open(url + (url.contains("?") ? "&" : "?") + "poll-interval=200ms")) {
                while (!stop.get()) {
                    Row r = db.query("SELECT (SELECT count(*) FROM t), (SELECT n FROM c), litevfs_txid()")
                            .blockLast();
                    if (r.getLong(0) != r.getLong(1)) {
                        violation.compareAndSet(null, "torn state at " + r.getString(2) + ": " + r);
                    }
                    maxSeen.accumulateAndGet(r.getLong(1), Math::max);
                    reads.incrementAndGet();
                }
            } catch (RuntimeException e) {
                violation.compareAndSet(null, "reader failed: " + e);
            }
        });
        reader.start();

        // Versions are reported from the state watch starts at: wait until it says it is watching (its JVM start and
        // first open take a while on a busy machine), and until the reader has read once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Path watchErr = tmp.resolve("watch.err");
        while ((reads.get() == 0 || !Files.readString(watchErr).contains("litevfs: watching "))
                && System.nanoTime() < deadline
                && watch.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(watchErr)).contains("from TXID 0000000000000001");

        Map<String, Long> uploadedAt = new ConcurrentHashMap<>();
        for (int i = 1; i <= TRANSACTIONS; i++) {
            String file =
                    writer.execute(replica, "INSERT INTO t(v) VALUES ('row " + i + "')", "UPDATE c SET n = n + 1");
            String name = file.substring(file.lastIndexOf('/') + 1);
            String txid = name.substring(0, 16);
            uploadedAt.put(txid, System.nanoTime());
            Thread.sleep(300);
        }

        assertThat(watch.waitFor(30, TimeUnit.SECONDS))
                .as("watch exits after --count versions")
                .isTrue();
        stdout.join(5000);
        stop.set(true);
        reader.join(30_000);

        assertThat(watch.exitValue())
                .as(Files.readString(tmp.resolve("watch.err")))
                .isZero();
        assertThat(violation.get()).isNull();
        assertThat(reads.get()).isGreaterThan(TRANSACTIONS);
        assertThat(maxSeen.get()).isEqualTo(TRANSACTIONS);
        assertThat(lines)
                .hasSize(TRANSACTIONS)
                .allMatch(l -> l.matches("\\{\"txid\":\"[0-9a-f]{16}\",\"timestamp\":\"[^\"]+\",\"pages\":\\d+}"));
        assertThat(seenAt.keySet()).containsExactlyInAnyOrderElementsOf(uploadedAt.keySet());
        for (Map.Entry<String, Long> e : uploadedAt.entrySet()) {
            long lagMs = TimeUnit.NANOSECONDS.toMillis(seenAt.get(e.getKey()) - e.getValue());
            assertThat(lagMs).as("watch lag of TXID %s", e.getKey()).isLessThan(2000);
        }
    }
}
