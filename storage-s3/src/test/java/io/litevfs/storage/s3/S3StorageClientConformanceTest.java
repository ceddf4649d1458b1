package io.litevfs.storage.s3;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.testkit.StorageClientConformanceTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite against S3Proxy, through {@code s3://} URLs. */
class S3StorageClientConformanceTest extends StorageClientConformanceTest {

    private static String bucket;

    @BeforeAll
    static void startServer() {
        bucket = S3ProxyServer.shared().newBucket("conformance");
    }

    @Override
    protected StorageClient createClient() {
        return StorageClients.open("s3://" + bucket + "/db-" + UUID.randomUUID() + "?"
                + S3ProxyServer.shared().optionsWithCredentials());
    }
}
