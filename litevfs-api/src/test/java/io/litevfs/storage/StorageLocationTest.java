package io.litevfs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageLocationTest {

    @Test
    void parse_bucketPrefixAndOptions_splitsThem() {
        StorageLocation loc = StorageLocation.parse("s3://bucket/a/b/?region=x");

        assertThat(loc.scheme()).isEqualTo("s3");
        assertThat(loc.authority()).isEqualTo("bucket");
        assertThat(loc.path()).isEqualTo("a/b");
        assertThat(loc.options()).containsExactly(Map.entry("region", "x"));
        assertThat(loc.option("region")).isEqualTo("x");
        assertThat(loc.option("endpoint")).isNull();
        assertThat(loc).hasToString("s3://bucket/a/b?region=x");
    }

    @Test
    void parse_bucketOnly_hasEmptyPath() {
        StorageLocation loc = StorageLocation.parse("gs://bucket");

        assertThat(loc.authority()).isEqualTo("bucket");
        assertThat(loc.path()).isEmpty();
        assertThat(loc.options()).isEmpty();
        assertThat(loc).hasToString("gs://bucket");
    }

    @Test
    void parse_upperCaseScheme_isLowerCased() {
        StorageLocation loc = StorageLocation.parse("S3://MyBucket/Db");

        assertThat(loc.scheme()).isEqualTo("s3");
        assertThat(loc.authority()).isEqualTo("MyBucket");
        assertThat(loc.path()).isEqualTo("Db");
    }

    @Test
    void parse_percentEncoding_isDecodedAndPlusKept() {
        StorageLocation loc = StorageLocation.parse("abs://container/my%20db?endpoint=http%3A%2F%2Fh%3A1&sig=a+b=c");

        assertThat(loc.path()).isEqualTo("my db");
        assertThat(loc.option("endpoint")).isEqualTo("http://h:1");
        assertThat(loc.option("sig")).isEqualTo("a+b=c");
    }

    @Test
    void parse_optionNamesAndFlags_areNormalised() {
        StorageLocation loc = StorageLocation.parse("s3://b?Region=x&write&&force-path-style=true");

        assertThat(loc.options())
                .containsExactly(
                        Map.entry("region", "x"), Map.entry("write", ""), Map.entry("force-path-style", "true"));
    }

    @Test
    void parse_fileUrlWithAbsolutePath_keepsIt() {
        StorageLocation loc = StorageLocation.parse("file:///var/lib/../db/replica/?poll-interval=1s");

        assertThat(loc.scheme()).isEqualTo("file");
        assertThat(loc.authority()).isEmpty();
        assertThat(loc.path()).isEqualTo("/var/db/replica");
        assertThat(loc.option("poll-interval")).isEqualTo("1s");
        assertThat(loc).hasToString("file:///var/db/replica?poll-interval=1s");
    }

    @Test
    void parse_fileUrlWithRelativePath_resolvesAgainstWorkingDirectory() {
        StorageLocation loc = StorageLocation.parse("file://rel/dir");

        assertThat(loc.path())
                .isEqualTo(Path.of("rel/dir").toAbsolutePath().normalize().toString());
    }

    @Test
    void parse_plainPaths_meanFile() {
        assertThat(StorageLocation.parse("/srv/replica").path()).isEqualTo("/srv/replica");
        assertThat(StorageLocation.parse("/srv/replica").scheme()).isEqualTo("file");
        assertThat(StorageLocation.parse("replica").path())
                .isEqualTo(Path.of("replica").toAbsolutePath().toString());
        assertThat(StorageLocation.parse("./a/../b?cache-size=1").path())
                .isEqualTo(Path.of("b").toAbsolutePath().toString());
        assertThat(StorageLocation.parse("  /srv/replica  ").path()).isEqualTo("/srv/replica");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "",
                "   ",
                "s3://",
                "s3:///prefix",
                "s3:bucket/prefix",
                "s3:/bucket",
                "://bucket",
                "1s3://bucket",
                "s 3://bucket",
                "s3://bucket?=x",
                "s3://bucket?a b=x",
                "s3://bucket?region=a&region=b",
                "s3://bucket?Region=a&region=b",
                "s3://bucket/%zz",
                "s3://bucket?region=%zz",
                "file://",
                "file://?cache-size=1",
                "file:///tmp/a\u0000b"
            })
    void parse_malformed_failsWithInvalidLocation(String url) {
        assertThatThrownBy(() -> StorageLocation.parse(url)).isInstanceOf(StorageException.InvalidLocation.class);
    }

    @Test
    void parse_null_failsWithInvalidLocation() {
        assertThatThrownBy(() -> StorageLocation.parse(null)).isInstanceOf(StorageException.InvalidLocation.class);
    }

    @Test
    void toString_secretOptions_areRedacted() {
        StorageLocation loc = StorageLocation.parse(
                "s3://b/p?access-key-id=AKIA1&secret-access-key=S3CR3T&region=x&sas=SIG1&Password=PW1&token=T1");

        assertThat(loc.toString())
                .contains("region=x")
                .contains("secret-access-key=***")
                .contains("access-key-id=***")
                .contains("sas=***")
                .contains("password=***")
                .contains("token=***")
                .doesNotContain("AKIA1", "S3CR3T", "SIG1", "PW1", "T1");
        assertThat(loc.original()).contains("S3CR3T");
        assertThat(loc.option("secret-access-key")).isEqualTo("S3CR3T");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "s3://b?secret=S3CR3T&secret=S3CR3T",
                "s3://b?secret=S3CR3T&bad name=1",
                "s3://b?s%65cret=S3CR3T&bad name=1",
                "s3://b/%zz?password=S3CR3T",
                "s3://?token=S3CR3T",
                "file://?key=S3CR3T",
                "s3:b?sig=S3CR3T"
            })
    void parse_errors_redactSecrets(String url) {
        assertThatThrownBy(() -> StorageLocation.parse(url))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("S3CR3T"));
    }

    @Test
    void requireKnownOptions_unknownOption_failsNamingItAndTheAcceptedOnes() {
        StorageLocation loc = StorageLocation.parse("s3://b?region=x&cache-size=1&bogus=1");

        assertThatThrownBy(() -> loc.requireKnownOptions(Set.of("region", "endpoint")))
                .isInstanceOf(StorageException.InvalidLocation.class)
                .hasMessageContaining("'bogus'")
                .hasMessageContaining("endpoint")
                .hasMessageContaining("region")
                .hasMessageContaining("cache-size");
    }

    @Test
    void requireKnownOptions_backendAndCommonOptions_pass() {
        StorageLocation loc = StorageLocation.parse(
                "s3://b?region=x&cache-size=1&poll-interval=1s&write=true&sync-interval=1s&sync=commit&hydrate=true");

        loc.requireKnownOptions(Set.of("region"));
    }

    @Test
    void equals_sameUrl_equalAndDifferentOptionsNot() {
        assertThat(StorageLocation.parse("s3://b/p?region=x"))
                .isEqualTo(StorageLocation.parse("s3://b/p/?region=x"))
                .hasSameHashCodeAs(StorageLocation.parse("s3://b/p/?region=x"))
                .isNotEqualTo(StorageLocation.parse("s3://b/p?region=y"))
                .isNotEqualTo(StorageLocation.parse("s3://b/q?region=x"))
                .isNotEqualTo(StorageLocation.parse("gs://b/p?region=x"));
    }
}
