package io.litevfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.WriteCondition;
import io.litevfs.testkit.InMemoryStorageClient.Operation;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs the conformance suite against {@link InMemoryStorageClient}, plus its own counters and stores. */
class InMemoryStorageClientTest extends StorageClientConformanceTest {

    @Override
    protected StorageClient createClient() {
        return InMemoryStorageClient.create();
    }

    @Test
    void counters_eachOperation_countedOnSubscription() {
        InMemoryStorageClient c = (InMemoryStorageClient) client();
        byte[] data = bytes(200_000, 1);

        write(0, 1, 1, data);
        list(0, TxId.ZERO);
        await(c.readRange(info(0, 1, 1), 10, 100));
        readAll(info(0, 1, 1));
        awaitEmpty(c.delete(List.of(info(0, 1, 1))));
        await(c.writeObject("lease", ByteBuffer.allocate(3), WriteCondition.none()));
        await(c.readObject("lease"));
        awaitEmpty(c.deleteObject("lease", WriteCondition.none()));
        c.readRange(info(0, 1, 1), 0, 1); // not subscribed: not counted

        for (Operation op : Operation.values()) {
            assertThat(c.requestCount(op)).as("%s", op).isEqualTo(1);
        }
        assertThat(c.requestCount()).isEqualTo(Operation.values().length);
        assertThat(c.bytesWritten()).isEqualTo(data.length);
        assertThat(c.bytesRead()).isEqualTo(100 + data.length);

        c.resetCounters();
        assertThat(c.requestCount()).isZero();
        assertThat(c.bytesRead()).isZero();
        assertThat(c.bytesWritten()).isZero();
    }

    @Test
    void open_sameName_sharesTheStore() {
        String name = "shared-" + UUID.randomUUID();
        try (InMemoryStorageClient a = InMemoryStorageClient.open(name);
                StorageClient b = StorageClients.open("memory://" + name)) {
            assertThat(b).isInstanceOf(InMemoryStorageClient.class);
            await(a.createLtxFile(0, TxId.of(1), TxId.of(1), TIMESTAMP, chunks(bytes(10, 1)), 10));

            assertThat(await(b.listLtxFiles(0, TxId.ZERO).collectList())).hasSize(1);
            try (StorageClient prefixed = StorageClients.open("memory://" + name + "/other")) {
                assertThat(await(prefixed.listLtxFiles(0, TxId.ZERO).collectList()))
                        .isEmpty();
            }
        } finally {
            InMemoryStorageClient.dropStore(name);
        }
        try (InMemoryStorageClient again = InMemoryStorageClient.open(name)) {
            assertThat(await(again.listLtxFiles(0, TxId.ZERO).collectList())).isEmpty();
        } finally {
            InMemoryStorageClient.dropStore(name);
        }
    }

    @Test
    void create_twice_givesSeparateStores() {
        try (InMemoryStorageClient other = InMemoryStorageClient.create()) {
            write(0, 1, 1, bytes(10, 1));

            assertThat(await(other.listLtxFiles(0, TxId.ZERO).collectList())).isEmpty();
            assertThat(other.location()).isNotEqualTo(client().location());
        }
    }

    @Test
    void open_unknownOption_failsNamingIt() {
        assertThatThrownBy(() -> StorageClients.open("memory://x?bogus=1"))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("bogus");
    }

    @Test
    void closed_requests_fail() {
        InMemoryStorageClient c = InMemoryStorageClient.create();
        c.close();

        awaitError(c.listLtxFiles(0, TxId.ZERO), StorageException.class);
        awaitError(c.readObject("lease"), StorageException.class);
    }
}
