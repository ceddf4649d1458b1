package io.litevfs.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.LiteVfsRuntime;
import io.litevfs.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read path side by side, litevfs and the real Litestream VFS, on one replica in S3Proxy behind a proxy that adds
 * a fixed delay to every request and counts requests, response bytes and sequential round trips (the longest chain
 * of requests each of which started after the previous one ended). Not part of the normal build:
 *
 * <pre>
 * mvn -pl litevfs-cli -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=S3SideBySideBenchmark -Dlitevfs.bench=true [-Dbench.rows=5000 -Dbench.delay=20]
 * </pre>
 *
 * Results go to stdout and {@code litevfs-cli/target/benchmarks-s3.md}.
 */
@EnabledIfSystemProperty(named = "litevfs.bench", matches = "true")
class S3SideBySideBenchmark {

    @TempDir
    Path tmp;

    /** One request as the delaying proxy saw it. */
    record Req(long start, long end, long bytes) {}

    /** Forwards to S3Proxy after a fixed delay; counts what passes. */
    static final class DelayProxy implements AutoCloseable {
        final HttpServer server;
        final HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final URI target;
        final long delayMs;
        final List<Req> log = new ArrayList<>();

        DelayProxy(URI target, long delayMs) throws IOException {
            this.target = target;
            this.delayMs = delayMs;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        synchronized void reset() {
            log.clear();
        }

        synchronized List<Req> snapshot() {
            return new ArrayList<>(log);
        }

        private static final Set<String> SKIP =
                Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

        void handle(HttpExchange ex) throws IOException {
            long start = System.nanoTime();
            try {
                Thread.sleep(delayMs);
                byte[] body = ex.getRequestBody().readAllBytes();
                HttpRequest.Builder b = HttpRequest.newBuilder(
                                target.resolve(ex.getRequestURI().toString()))
                        .method(
                                ex.getRequestMethod(),
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
                ex.getRequestHeaders().forEach((k, vs) -> {
                    if (!SKIP.contains(k.toLowerCase(Locale.ROOT))) {
                        vs.forEach(v -> b.header(k, v));
                    }
                });
                HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                r.headers().map().forEach((k, vs) -> {
                    String lk = k.toLowerCase(Locale.ROOT);
                    if (!lk.equals("content-length") && !lk.equals("transfer-encoding") && !lk.equals(":status")) {
                        ex.getResponseHeaders().put(k, vs);
                    }
                });
                byte[] out = r.body();
                boolean head = ex.getRequestMethod().equals("HEAD");
                ex.sendResponseHeaders(r.statusCode(), head || out.length == 0 ? -1 : out.length);
                if (!head && out.length > 0) {
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(out);
                    }
                }
                synchronized (this) {
                    log.add(new Req(start, System.nanoTime(), out.length));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Longest chain of requests where each starts after the previous ended. */
    static int roundTrips(List<Req> reqs) {
        List<Req> sorted = new ArrayList<>(reqs);
        sorted.sort((a, b) -> Long.compare(a.start, b.start));
        int[] depth = new int[sorted.size()];
        int max = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int d = 1;
            for (int j = 0; j < i; j++) {
                if (sorted.get(j).end <= sorted.get(i).start) {
                    d = Math.max(d, depth[j] + 1);
                }
            }
            depth[i] = d;
            max = Math.max(max, d);
        }
        return max;
    }

    record Measure(int requests, int roundTrips, long bytes, double ms) {}

    @Test
    void sideBySide() throws Exception {
        int rows = Integer.getInteger("bench.rows", 5_000);
        long delay = Long.getLong("bench.delay", 20);
        // An S3Proxy without authentication, so that the proxy may rewrite the Host header.
        TransientNio2BlobStore store = new TransientNio2BlobStore();
        S3Proxy s3 = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(5);
        }
        store.createContainer("bench");
        Path sqlite3 = Path.of(System.getProperty("litestream.sqlite3", "/usr/bin/sqlite3"));
        Path so = Path.of(System.getProperty("litestream.vfs.so"));
        Path db = tmp.resolve("bench.db");
        run(
                List.of(
                        sqlite3.toString(),
                        db.toString(),
                        "PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, payload BLOB);"
                                + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < " + rows
                                + ")"
                                + " INSERT INTO t SELECT i, printf('key-%08d', (i * 7919) % " + rows
                                + "), randomblob(1000)"
                                + " FROM n; CREATE INDEX t_k ON t(k);"),
                Map.of());
        String direct = "s3://bench/db?endpoint=http://127.0.0.1:" + s3.getPort()
                + "&region=us-east-1&force-path-style=true&access-key-id=x&secret-access-key=y";
        Cli.Result imp = Cli.run("import", db.toString(), direct);
        if (imp.status() != 0) {
            throw new AssertionError(imp.toString());
        }
        long size = Files.size(db);
        String lookup = "SELECT id, k, length(payload) FROM t WHERE id = " + (rows / 2);
        String scan = "SELECT count(*), sum(length(payload)) FROM t";
        String open = "PRAGMA schema_version";
        StringBuilder md = new StringBuilder();
        try (DelayProxy proxy = new DelayProxy(URI.create("http://127.0.0.1:" + s3.getPort()), delay)) {
            String endpoint = "http://127.0.0.1:" + proxy.port();
            String ours = "s3://bench/db?endpoint=" + endpoint
                    + "&region=us-east-1&force-path-style=true&access-key-id=x&secret-access-key=y";
            String theirs = "s3://bench/db?endpoint=" + endpoint + "&region=us-east-1&force-path-style=true";
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y");

            // Warm up the JVM side (class loading, JIT) on a separate runtime; not measured.
            for (int i = 0; i < 2; i++) {
                litevfsCold(proxy, ours, lookup);
            }
            double baseline = litestreamBaseline(sqlite3, so);
            md.append(String.format(
                    Locale.ROOT,
                    "Database: %d rows of ~1 KB + index, %.1f MB, one LTX file (litevfs import); %d ms per request;"
                            + " Litestream process baseline (sqlite3 + .load, no open) %.0f ms subtracted.%n%n",
                    rows,
                    size / 1e6,
                    delay,
                    baseline));
            md.append("| operation | litevfs req | litevfs RTT | litevfs bytes | litevfs ms | Litestream req |"
                    + " Litestream RTT | Litestream bytes | Litestream ms | time ratio |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            String[][] ops = {{"cold open", open}, {"cold point lookup", lookup}, {"cold full scan", scan}};
            for (String[] op : ops) {
                int runs = op[1].equals(scan) ? 1 : 3; // the real VFS reads a scan page by page: minutes per run
                Measure a = median(runs, () -> litevfsCold(proxy, ours, op[1]));
                Measure b = median(runs, () -> litestreamCold(proxy, sqlite3, so, theirs, env, op[1], baseline));
                row(md, op[0], a, b);
                System.out.println(md);
            }
            Measure a = median(3, () -> litevfsWarm(proxy, ours, lookup));
            Measure b = median(3, () -> litestreamWarm(proxy, sqlite3, so, theirs, env, lookup));
            row(md, "warm point lookup (per query; Litestream counts are the whole process)", a, b);
        } finally {
            s3.stop();
        }
        System.out.println(md);
        Path out = Path.of(System.getProperty("litevfs.root", ".")).resolve("litevfs-cli/target/benchmarks-s3.md");
        Files.writeString(out, md.toString());
    }

    interface Run {
        Measure run() throws Exception;
    }

    private static Measure median(int runs, Run r) throws Exception {
        List<Measure> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ms.add(r.run());
        }
        ms.sort((x, y) -> Double.compare(x.ms, y.ms));
        return ms.get(runs / 2);
    }

    private static void row(StringBuilder md, String name, Measure a, Measure b) {
        md.append(String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %.3f | %d | %d | %s | %.3f | %.2f |%n",
                name,
                a.requests,
                a.roundTrips,
                bytes(a.bytes),
                a.ms,
                b.requests,
                b.roundTrips,
                bytes(b.bytes),
                b.ms,
                a.ms / Math.max(1, b.ms)));
    }

    private static String bytes(long b) {
        return b >= 1_000_000
                ? String.format(Locale.ROOT, "%.1f MB", b / 1e6)
                : String.format(Locale.ROOT, "%.1f KB", b / 1e3);
    }

    private static Measure measured(DelayProxy proxy, long t0, double ms) {
        List<Req> reqs = proxy.snapshot();
        return new Measure(
                reqs.size(),
                roundTrips(reqs),
                reqs.stream().mapToLong(Req::bytes).sum(),
                ms);
    }

    private static Measure litevfsCold(DelayProxy proxy, String url, String sql) {
        proxy.reset();
        long t0 = System.nanoTime();
        try (LiteVfsRuntime vfs = LiteVfs.builder().build()) {
            vfs.open(url).query(sql).collectList().block(Duration.ofMinutes(5));
            double ms = (System.nanoTime() - t0) / 1e6;
            return measured(proxy, t0, ms);
        }
    }

    private static Measure litevfsWarm(DelayProxy proxy, String url, String sql) {
        try (LiteVfsRuntime vfs = LiteVfs.builder().build()) {
            var db = vfs.open(url);
            db.query(sql).collectList().block(Duration.ofMinutes(5));
            proxy.reset();
            long t0 = System.nanoTime();
            int n = 100;
            for (int i = 0; i < n; i++) {
                db.query(sql).collectList().block(Duration.ofMinutes(5));
            }
            return measured(proxy, t0, (System.nanoTime() - t0) / 1e6 / n);
        }
    }

    private double litestreamBaseline(Path sqlite3, Path so) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            run(
                    List.of(
                            sqlite3.toString(),
                            "-init",
                            "/dev/null",
                            "-batch",
                            "-cmd",
                            ".load '" + so + "'",
                            "SELECT 1"),
                    Map.of());
            times.add((System.nanoTime() - t0) / 1e6);
        }
        times.sort(Double::compare);
        return times.get(1);
    }

    private Measure litestreamCold(
            DelayProxy proxy, Path sqlite3, Path so, String url, Map<String, String> env, String sql, double baseline)
            throws Exception {
        proxy.reset();
        long t0 = System.nanoTime();
        litestream(sqlite3, so, url, env, ".open 'file:bench.db?vfs=litestream'\n" + sql + ";\n");
        double ms = (System.nanoTime() - t0) / 1e6 - baseline;
        return measured(proxy, t0, ms);
    }

    private Measure litestreamWarm(
            DelayProxy proxy, Path sqlite3, Path so, String url, Map<String, String> env, String sql) throws Exception {
        // One process: the query once (cold), then 100 times with .timer on; the proxy counts only the warm part
        // approximately (requests after the first query's output are polling and page misses).
        StringBuilder script =
                new StringBuilder(".open 'file:bench.db?vfs=litestream'\n" + sql + ";\n.print MARK\n" + ".timer on\n");
        for (int i = 0; i < 100; i++) {
            script.append(sql).append(";\n");
        }
        proxy.reset();
        String out = litestream(sqlite3, so, url, env, script.toString());
        double total = 0;
        for (String line : out.lines().toList()) {
            if (line.startsWith("Run Time: real ")) {
                total += Double.parseDouble(
                                line.substring("Run Time: real ".length()).split(" ")[0])
                        * 1000;
            }
        }
        List<Req> all = proxy.snapshot();
        // Requests during the cold query are the first ones; keep those after the first 30% of the run is unknown,
        // so report the requests beyond the cold lookup's own count.
        Measure cold = new Measure(
                all.size(), roundTrips(all), all.stream().mapToLong(Req::bytes).sum(), 0);
        return new Measure(cold.requests, cold.roundTrips, cold.bytes, total / 100);
    }

    private String litestream(Path sqlite3, Path so, String url, Map<String, String> env, String script)
            throws Exception {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("LITESTREAM_REPLICA_URL", url);
        e.put("TMPDIR", Files.createDirectories(tmp.resolve("ls-tmp")).toString());
        return run(
                List.of(sqlite3.toString(), "-init", "/dev/null", "-batch", "-bail", "-cmd", ".load '" + so + "'"),
                e,
                script);
    }

    private String run(List<String> cmd, Map<String, String> env) throws Exception {
        return run(cmd, env, "");
    }

    private String run(List<String> cmd, Map<String, String> env, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LITESTREAM_") || k.equals("AWS_CA_BUNDLE"));
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream os = p.getOutputStream()) {
            os.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(cmd + " failed: " + out);
        }
        return out;
    }

    static {
        // keep S3ProxyServer's logging configuration
        S3ProxyServer.class.getName();
    }
}
