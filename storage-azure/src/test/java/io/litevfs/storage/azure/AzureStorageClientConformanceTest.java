package io.litevfs.storage.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.testkit.StorageClientConformanceTest;
import io.litevfs.testkit.emulator.AzuriteExtension;
import io.litevfs.testkit.emulator.AzuriteServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The storage contract, against Azurite on 127.0.0.1; every test gets a fresh prefix in one container. */
@ExtendWith(AzuriteExtension.class)
class AzureStorageClientConformanceTest extends StorageClientConformanceTest {

    static final String CONTAINER = "conformance";

    private static AzuriteServer azurite;

    @BeforeAll
    static void createContainer(AzuriteServer server) {
        azurite = server;
        new BlobServiceClientBuilder()
                .connectionString(server.connectionString())
                .buildClient()
                .getBlobContainerClient(CONTAINER)
                .createIfNotExists();
    }

    @Override
    protected StorageClient createClient() {
        return StorageClients.open("abs://" + AzuriteServer.ACCOUNT + "@" + CONTAINER + "/" + UUID.randomUUID()
                + "/db?endpoint=" + azurite.blobEndpoint() + "&key="
                + URLEncoder.encode(AzuriteServer.KEY, StandardCharsets.UTF_8));
    }
}
