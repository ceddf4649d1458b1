package io.litevfs.storage.tigris;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.WriteCondition;
import io.litevfs.storage.s3.S3ProxyServer;
import io.litevfs.storage.s3.S3Settings;
import io.litevfs.storage.s3.S3StorageClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

class TigrisSettingsTest {

    private static final String KEYS = "access-key-id=tid_x&secret-access-key=tsec_y";

    private static S3Settings settings(StorageClient client) {
        assertThat(client).isInstanceOf(S3StorageClient.class);
        return ((S3StorageClient) client).settings();
    }

    @Test
    void tigrisUrl_hasTigrisDefaults() {
        try (StorageClient client = StorageClients.open("tigris://my-bucket/app/db?" + KEYS)) {
            S3Settings s = settings(client);
            assertThat(s.endpoint()).isEqualTo(URI.create("https://t3.storage.dev"));
            assertThat(s.region()).isEqualTo("auto");
            assertThat(s.forcePathStyle()).isFalse();
            assertThat(s.bucket()).isEqualTo("my-bucket");
            assertThat(s.prefix()).isEqualTo("app/db");
            assertThat(s.flavor()).isInstanceOf(TigrisFlavor.class);
        }
    }

    @Test
    void s3UrlWithTigrisEndpoint_isTigris() {
        for (String endpoint : List.of("https://t3.storage.dev", "https://fly.storage.tigris.dev", "t3.storage.dev")) {
            try (StorageClient client = StorageClients.open("s3://b/db?endpoint=" + endpoint + "&" + KEYS)) {
                S3Settings s = settings(client);
                assertThat(s.flavor()).as(endpoint).isInstanceOf(TigrisFlavor.class);
                assertThat(s.region()).isEqualTo("auto");
                assertThat(s.forcePathStyle()).isFalse();
            }
        }
        try (StorageClient client = StorageClients.open("s3://b/db?endpoint=https://s3.example.com&" + KEYS)) {
            assertThat(settings(client).flavor()).isNull();
            assertThat(settings(client).region()).isEqualTo("us-east-1");
        }
    }

    @Test
    void explicitOptions_overrideTheDefaults() {
        try (StorageClient client = StorageClients.open(
                "tigris://b?endpoint=https://fly.storage.tigris.dev&region=iad&force-path-style=true&" + KEYS)) {
            S3Settings s = settings(client);
            assertThat(s.endpoint()).isEqualTo(URI.create("https://fly.storage.tigris.dev"));
            assertThat(s.region()).isEqualTo("iad");
            assertThat(s.forcePathStyle()).isTrue();
            assertThat(s.prefix()).isEmpty();
        }
    }

    @Test
    void location_redactsCredentials() {
        try (StorageClient client = StorageClients.open("tigris://b/db?" + KEYS)) {
            assertThat(client.location().toString()).doesNotContain("tid_x").doesNotContain("tsec_y");
            assertThat(client.toString()).doesNotContain("tid_x").doesNotContain("tsec_y");
        }
    }

    /** Records the Tigris header of every request on the wire. */
    static final class Recorder implements ExecutionInterceptor {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            var request = context.httpRequest();
            String range = request.firstMatchingHeader("Range").orElse("");
            seen.add(request.method() + " " + request.encodedPath() + (range.isEmpty() ? "" : " range") + " "
                    + request.firstMatchingHeader(TigrisFlavor.CONSISTENT_HEADER)
                            .orElse("-"));
        }
    }

    @Test
    void consistentHeader_onWritesListingsAndObjectReads_notOnLtxReads() {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = s3.newBucket("tigris-headers");
        StorageLocation location = StorageLocation.parse("tigris://" + bucket + "/db?endpoint=" + s3.endpoint()
                + "&access-key-id=" + S3ProxyServer.ACCESS_KEY + "&secret-access-key=" + S3ProxyServer.SECRET_KEY);
        Recorder recorder = new Recorder();
        S3Settings settings =
                S3Settings.fromLocation(location, new TigrisFlavor()).withInterceptors(List.of(recorder));
        Duration t = Duration.ofSeconds(30);
        try (S3StorageClient client = new S3StorageClient(location, settings)) {
            byte[] data = "ltx".getBytes(StandardCharsets.UTF_8);
            var file = client.createLtxFile(
                            0, TxId.of(1), TxId.of(1), Instant.now(), Flux.just(ByteBuffer.wrap(data)), data.length)
                    .block(t);
            client.listLtxFiles(0, TxId.ZERO).collectList().block(t);
            client.readRange(file, 0, 2).block(t);
            String v = client.writeObject("lock.json", ByteBuffer.wrap(data), WriteCondition.ifAbsent())
                    .block(t);
            client.readObject("lock.json").block(t);
            client.deleteObject("lock.json", WriteCondition.ifMatch(v)).block(t);
        }
        assertThat(recorder.seen)
                .contains(
                        "PUT /" + bucket + "/db/0000/0000000000000001-0000000000000001.ltx true",
                        "GET /" + bucket + " true",
                        "GET /" + bucket + "/db/0000/0000000000000001-0000000000000001.ltx range -",
                        "PUT /" + bucket + "/db/lock.json true",
                        "GET /" + bucket + "/db/lock.json true",
                        "DELETE /" + bucket + "/db/lock.json true");
    }
}
