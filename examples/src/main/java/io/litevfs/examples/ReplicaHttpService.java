package io.litevfs.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.Row;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A small read-only HTTP service over a replica, on Reactor Netty (the server Spring WebFlux runs on). It shows
 * how litevfs embeds in a non-blocking server: handlers return the {@code Flux<Row>} of a query; SQLite runs on
 * litevfs's own threads, so the event loop never waits for storage.
 *
 * <pre>
 *   GET /query?sql=SELECT+count(*)+FROM+users      -&gt; [[42]]       (rows as JSON arrays)
 *   GET /versions                                  -&gt; server-sent events, one per new TXID
 *   GET /txid                                      -&gt; "0000000000000007"
 * </pre>
 *
 * Run: {@code java -cp ... io.litevfs.examples.ReplicaHttpService file:///path/to/replica 8080}.
 */
public final class ReplicaHttpService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiteDatabase db;
    private final DisposableServer server;

    /**
     * Starts the service.
     *
     * @param replicaUrl the replica
     * @param port the port on 127.0.0.1, or 0 for any free port
     */
    public ReplicaHttpService(String replicaUrl, int port) {
        this.db = LiteVfs.open(replicaUrl);
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .route(routes -> routes.get("/query", this::query)
                        .get("/versions", this::versions)
                        .get("/txid", this::txid))
                .bindNow();
    }

    /** Returns the port the service listens on. */
    public int port() {
        return server.port();
    }

    private Mono<Void> query(HttpServerRequest request, HttpServerResponse response) {
        List<String> sql = new QueryStringDecoder(request.uri()).parameters().get("sql");
        if (sql == null || sql.isEmpty()) {
            return response.status(HttpResponseStatus.BAD_REQUEST)
                    .sendString(Mono.just("missing sql=\n"))
                    .then();
        }
        // "[" row ("," row)* "]", sent once the query completes so that an error can still be reported as JSON.
        Flux<String> body = db.query(sql.get(0))
                .map(ReplicaHttpService::json)
                .index()
                .map(t -> (t.getT1() == 0 ? "[" : ",") + t.getT2())
                .concatWith(Mono.just("]"))
                .collectList()
                .flatMapMany(parts -> parts.size() == 1 ? Flux.just("[]") : Flux.fromIterable(parts));
        return response.header("content-type", "application/json")
                .sendString(
                        body.onErrorResume(e -> Mono.just("{\"error\":" + quote(e.getMessage()) + "}")),
                        StandardCharsets.UTF_8)
                .then();
    }

    private Mono<Void> versions(HttpServerRequest request, HttpServerResponse response) {
        return response.sse()
                .sendString(db.versions().map(v -> "data: " + v.toJson() + "\n\n"))
                .then();
    }

    private Mono<Void> txid(HttpServerRequest request, HttpServerResponse response) {
        return response.header("content-type", "application/json")
                .sendString(db.txId().map(t -> "\"" + t + "\""))
                .then();
    }

    private static String json(Row row) {
        List<Object> values = new ArrayList<>(row.size());
        for (int i = 0; i < row.size(); i++) {
            Object v = row.get(i);
            values.add(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : v);
        }
        try {
            return JSON.writeValueAsString(values);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            return "\"error\"";
        }
    }

    @Override
    public void close() {
        server.disposeNow();
        db.close();
    }

    /** Runs the service until the process is stopped. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ReplicaHttpService REPLICA_URL [PORT]");
            System.exit(2);
        }
        ReplicaHttpService service =
                new ReplicaHttpService(args[0], args.length > 1 ? Integer.parseInt(args[1]) : 8080);
        System.err.println("listening on http://127.0.0.1:" + service.port());
        service.server.onDispose().block();
    }
}
