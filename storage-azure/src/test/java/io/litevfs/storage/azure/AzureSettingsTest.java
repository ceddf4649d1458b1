package io.litevfs.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resolution of container, endpoint and credentials; no server needed. */
class AzureSettingsTest {

    private static final String KEY = AzureSettings.DEV_KEY;
    private static final String CONN = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + KEY
            + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    private static AzureSettings resolve(String url, Map<String, String> env) {
        StorageLocation location = StorageLocation.parse(url);
        location.requireKnownOptions(new AzureStorageClientProvider().options());
        return AzureSettings.resolve(location, env::get);
    }

    @Test
    void provider_servesAbsAndAz() {
        StorageClientProvider abs = StorageClients.provider("abs");
        assertThat(abs).isInstanceOf(AzureStorageClientProvider.class);
        assertThat(StorageClients.provider("az")).isInstanceOf(AzureStorageClientProvider.class);
    }

    @Test
    void connectionString_givesEndpointAccountAndKey() {
        AzureSettings s = resolve("abs://mycontainer/some/db", Map.of("AZURE_STORAGE_CONNECTION_STRING", CONN));

        assertThat(s.container()).isEqualTo("mycontainer");
        assertThat(s.prefix()).isEqualTo("some/db/");
        assertThat(s.endpoint()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(s.account()).isEqualTo("devstoreaccount1");
        assertThat(s.credential()).isInstanceOf(AzureSettings.SharedKey.class);
        assertThat(s.describeCredential())
                .contains("AZURE_STORAGE_CONNECTION_STRING")
                .doesNotContain(KEY);
    }

    @Test
    void endpointOption_overridesTheConnectionString_andGetsTheAccountPath() {
        AzureSettings s =
                resolve("az://c1c/db?endpoint=http://127.0.0.1:4444", Map.of("AZURE_STORAGE_CONNECTION_STRING", CONN));

        assertThat(s.endpoint()).isEqualTo("http://127.0.0.1:4444/devstoreaccount1");
        assertThat(s.credential()).isInstanceOf(AzureSettings.SharedKey.class);
    }

    @Test
    void accountInUrl_withEnvironmentKey_usesPublicCloud() {
        AzureSettings s = resolve("abs://myaccount@backups/app", Map.of("AZURE_STORAGE_KEY", KEY));

        assertThat(s.endpoint()).isEqualTo("https://myaccount.blob.core.windows.net");
        assertThat(s.credential()).isEqualTo(new AzureSettings.SharedKey("myaccount", KEY, "AZURE_STORAGE_KEY"));
        // A connection string for another account is ignored.
        AzureSettings other = resolve(
                "abs://myaccount@backups/app",
                Map.of("AZURE_STORAGE_CONNECTION_STRING", CONN, "LITESTREAM_AZURE_ACCOUNT_KEY", KEY));
        assertThat(other.credential().source()).isEqualTo("LITESTREAM_AZURE_ACCOUNT_KEY");
    }

    @Test
    void options_winOverEnvironment() {
        Map<String, String> env = new HashMap<>(Map.of("AZURE_STORAGE_CONNECTION_STRING", CONN));
        AzureSettings key = resolve("abs://c1c/p?account=acct1&account-key=" + KEY, env);
        assertThat(key.credential()).isEqualTo(new AzureSettings.SharedKey("acct1", KEY, "option key"));
        assertThat(key.endpoint()).isEqualTo("https://acct1.blob.core.windows.net");

        AzureSettings sas = resolve("abs://acct1@c1c/p?sas=sv%3D2024-01-01%26sig%3Dabc%252F", env);
        assertThat(sas.credential()).isEqualTo(new AzureSettings.Sas("sv=2024-01-01&sig=abc%2F", "option sas"));
        assertThat(sas.toString()).doesNotContain("abc");
    }

    @Test
    void noCredentials_isAnonymous() {
        AzureSettings s = resolve("abs://acct1@public-data/x", Map.of());
        assertThat(s.credential()).isInstanceOf(AzureSettings.Anonymous.class);
    }

    @Test
    void invalidInput_isInvalidLocation_withoutEchoingSecrets() {
        assertThatThrownBy(() -> resolve("abs://Bad_Container/x", Map.of("AZURE_STORAGE_ACCOUNT", "acct1")))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("container name 'Bad_Container'");
        assertThatThrownBy(() -> resolve("abs://c1c/x", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("no storage account");
        assertThatThrownBy(() -> resolve("abs://acct1:s3cr3t@c1c/x", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .message()
                .doesNotContain("s3cr3t");
        assertThatThrownBy(() -> resolve("abs://acct1@c1c/x?key=not-base64!!", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .message()
                .contains("not valid base64")
                .doesNotContain("not-base64!!");
        assertThatThrownBy(() -> resolve("abs://acct1@c1c/x?endpoint=https://h.example/?sig=topsecret", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .message()
                .doesNotContain("topsecret");
        assertThatThrownBy(() -> resolve("abs://acct1@c1c/x?key=" + KEY + "&sas=sig%3Dx", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("either a key or a SAS");
        assertThatThrownBy(() -> resolve("abs://acct1@c1c/x?region=x", Map.of()))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("unknown option 'region'");
    }

    @Test
    void location_redactsSecretOptions() {
        StorageLocation location = StorageLocation.parse("abs://acct1@c1c/x?key=" + KEY + "&sas=sig%3Dabc");
        assertThat(location.toString()).doesNotContain(KEY).doesNotContain("abc");
    }
}
