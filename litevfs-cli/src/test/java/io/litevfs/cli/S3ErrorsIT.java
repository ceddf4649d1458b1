package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.storage.s3.S3ProxyServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong endpoint, a missing bucket and bad credentials each give one clear line from bin/litevfs, no secrets. */
class S3ErrorsIT {

    private static final String SECRET = "wrong-secret-do-not-print-1234";

    @TempDir
    Path tmp;

    private void assertOneCleanLine(Cli.Result r, String... expected) {
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("litevfs: ").contains(expected);
        assertThat(r.err() + r.out())
                .doesNotContain(SECRET)
                .doesNotContain(S3ProxyServer.SECRET_KEY)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void wrongEndpoint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Cli.Result r = Cli.script(
                tmp,
                "query",
                "s3://bucket/db?endpoint=http://127.0.0.1:" + port + "&access-key-id=AKIDEXAMPLE&secret-access-key="
                        + SECRET,
                "SELECT 1");
        assertOneCleanLine(r, "cannot connect", "127.0.0.1:" + port);
    }

    @Test
    void missingBucket() throws Exception {
        Cli.Result r = Cli.script(
                tmp,
                S3Fixture.credentialsEnv(),
                "info",
                "s3://no-such-bucket-here/db?" + S3Fixture.server().options());
        assertOneCleanLine(r, "bucket 'no-such-bucket-here' does not exist");
    }

    @Test
    void badCredentials() throws Exception {
        String bucket = S3Fixture.server().newBucket("creds");
        Cli.Result r = Cli.script(
                tmp,
                Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET),
                "query",
                S3Fixture.s3Url(bucket, "db"),
                "SELECT 1");
        assertOneCleanLine(r, "access denied", bucket);
    }

    @Test
    void badCredentialsInUrl_areRedacted() {
        String bucket = S3Fixture.server().newBucket("creds");
        Cli.Result r = Cli.run(
                "restore",
                "s3://" + bucket + "/db?" + S3Fixture.server().options() + "&access-key-id=AKIDEXAMPLE"
                        + "&secret-access-key=" + SECRET,
                tmp.resolve("out.db").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("access denied").doesNotContain(SECRET);
    }
}
