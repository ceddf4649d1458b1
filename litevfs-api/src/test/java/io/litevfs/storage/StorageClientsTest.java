package io.litevfs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Provider discovery; two test providers both claim the scheme {@code dup}, and {@code DuplicateA} alone {@code a}. */
class StorageClientsTest {

    @Test
    void provider_unknownScheme_failsListingAvailableSchemes() {
        assertThatThrownBy(() -> StorageClients.provider("nope"))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("'nope://'")
                .hasMessageContaining("a, dup");
    }

    @Test
    void provider_twoProvidersForOneScheme_failsNamingBoth() {
        assertThatThrownBy(() -> StorageClients.provider("dup"))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining(DuplicateA.class.getName())
                .hasMessageContaining(DuplicateB.class.getName());
    }

    @Test
    void provider_oneProvider_isReturned() {
        assertThat(StorageClients.provider("a")).isInstanceOf(DuplicateA.class);
    }

    @Test
    void open_unknownOption_failsNamingItBeforeCreating() {
        assertThatThrownBy(() -> StorageClients.open("a://bucket/db?region=x&bogus=1"))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("'bogus'")
                .hasMessageContaining("region")
                .hasMessageContaining("cache-size");
    }

    @Test
    void open_knownOptions_reachTheProvider() {
        assertThatThrownBy(() -> StorageClients.open("a://bucket/db?region=x&poll-interval=1s"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("a://bucket/db?region=x&poll-interval=1s");
    }

    /** A provider for schemes {@code a} and {@code dup}. */
    public static final class DuplicateA implements StorageClientProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("a", "dup");
        }

        @Override
        public Set<String> options() {
            return Set.of("region");
        }

        @Override
        public StorageClient create(StorageLocation location) {
            throw new UnsupportedOperationException(location.toString());
        }
    }

    /** A second provider for scheme {@code dup}. */
    public static final class DuplicateB implements StorageClientProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("dup");
        }

        @Override
        public Set<String> options() {
            return Set.of();
        }

        @Override
        public StorageClient create(StorageLocation location) {
            throw new UnsupportedOperationException(location.toString());
        }
    }
}
