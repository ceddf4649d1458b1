package io.litevfs.storage.tigris;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.s3.S3ProxyServer;
import io.litevfs.testkit.StorageClientConformanceTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite through {@code tigris://} URLs against S3Proxy: Tigris' defaults (region {@code auto}) and
 * its {@code X-Tigris-Consistent} header on the wire; only the endpoint points at the emulator.
 */
class TigrisStorageClientConformanceTest extends StorageClientConformanceTest {

    private static String bucket;

    @BeforeAll
    static void startServer() {
        bucket = S3ProxyServer.shared().newBucket("tigris");
    }

    @Override
    protected StorageClient createClient() {
        S3ProxyServer s3 = S3ProxyServer.shared();
        return StorageClients.open("tigris://" + bucket + "/db-" + UUID.randomUUID() + "?endpoint="
                + URLEncoder.encode(s3.endpoint().toString(), StandardCharsets.UTF_8) + "&access-key-id="
                + S3ProxyServer.ACCESS_KEY + "&secret-access-key=" + S3ProxyServer.SECRET_KEY);
    }
}
