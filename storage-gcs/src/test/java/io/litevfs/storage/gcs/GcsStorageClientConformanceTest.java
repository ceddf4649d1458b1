package io.litevfs.storage.gcs;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.testkit.StorageClientConformanceTest;
import io.litevfs.testkit.emulator.GcsEmulatorServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the conformance suite against the GCS emulator (tools/gcs-emulator), through the JSON API, each test on its
 * own random prefix of one bucket; the 16-writer create-only race included.
 */
@ExtendWith(GcsEmulatorServer.class)
class GcsStorageClientConformanceTest extends StorageClientConformanceTest {

    static final String BUCKET = "litevfs-conformance";

    private static GcsEmulatorServer server;

    @BeforeAll
    static void bucket(GcsEmulatorServer emulator) {
        server = emulator;
        server.createBucket(BUCKET);
    }

    @Override
    protected StorageClient createClient() {
        // The emulator is named by the endpoint option here; GcsStorageClientTest covers STORAGE_EMULATOR_HOST.
        return new GcsStorageClientProvider(Map.of())
                .create(io.litevfs.storage.StorageLocation.parse(
                        "gs://" + BUCKET + "/" + UUID.randomUUID() + "/db?endpoint=" + server.endpoint()));
    }

    @SuppressWarnings("unused")
    private static StorageClient viaServiceLoader(String url) {
        return StorageClients.open(url);
    }
}
