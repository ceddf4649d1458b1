package io.litevfs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.testkit.Vectors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/** The example service answers over HTTP, many requests at once, without blocking its event loop. */
class ReplicaHttpServiceTest {

    @Test
    void query_overHttp_concurrently() {
        String url = Vectors.url(Vectors.byName("d_blob_index"));
        try (ReplicaHttpService service = new ReplicaHttpService(url, 0)) {
            HttpClient client = HttpClient.create().baseUrl("http://127.0.0.1:" + service.port());
            String sql = URLEncoder.encode(
                    "SELECT kind, count(*) FROM docs GROUP BY kind ORDER BY kind", StandardCharsets.UTF_8);
            List<String> answers = new CopyOnWriteArrayList<>();
            // 16 concurrent requests over a server with one event loop thread per core: they all complete, with
            // the same answer, because no handler blocks the loop.
            Flux.range(0, 16)
                    .flatMap(i -> client.get()
                            .uri("/query?sql=" + sql)
                            .responseContent()
                            .aggregate()
                            .asString())
                    .doOnNext(answers::add)
                    .blockLast(Duration.ofSeconds(60));
            assertThat(answers).hasSize(16);
            assertThat(answers).allMatch(a -> a.equals(answers.get(0)));
            assertThat(answers.get(0)).startsWith("[[").endsWith("]]");

            String txid = client.get()
                    .uri("/txid")
                    .responseContent()
                    .aggregate()
                    .asString()
                    .block(Duration.ofSeconds(30));
            assertThat(txid)
                    .isEqualTo("\""
                            + Vectors.byName("d_blob_index").get("final_txid").asText() + "\"");

            String bad = client.get()
                    .uri("/query?sql=" + URLEncoder.encode("SELECT nope", StandardCharsets.UTF_8))
                    .responseContent()
                    .aggregate()
                    .asString()
                    .block(Duration.ofSeconds(30));
            assertThat(bad).contains("error").contains("no such column");
        }
    }
}
