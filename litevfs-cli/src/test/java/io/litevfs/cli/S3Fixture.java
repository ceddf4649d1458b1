package io.litevfs.cli;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;

/** S3Proxy for the CLI tests: URLs, credentials as environment, and vectors copied into Litestream's S3 layout. */
public final class S3Fixture {

    private S3Fixture() {}

    public static S3ProxyServer server() {
        return S3ProxyServer.shared();
    }

    /** {@code s3://bucket/prefix?endpoint=…&region=us-east-1&force-path-style=true} (credentials from env). */
    public static String s3Url(String bucket, String prefix) {
        return "s3://" + bucket + "/" + prefix + "?" + server().options();
    }

    /** The same, with the credentials as URL options (for in-process runs, which cannot set the environment). */
    public static String s3UrlWithKeys(String bucket, String prefix) {
        return "s3://" + bucket + "/" + prefix + "?" + server().optionsWithCredentials();
    }

    /** {@code tigris://bucket/prefix?endpoint=…} with Tigris' defaults otherwise (credentials from env). */
    public static String tigrisUrl(String bucket, String prefix) {
        return "tigris://" + bucket + "/" + prefix + "?endpoint=" + server().endpoint();
    }

    /** The AWS credential environment variables for S3Proxy. */
    public static Map<String, String> credentialsEnv() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    }

    /** Copies a {@code file://} replica ({@code ltx/<level>/…}) to an S3 prefix ({@code <level %04x>/…}). */
    public static int upload(Path replicaDir, String bucket, String prefix) {
        int n = 0;
        try (StorageClient client = StorageClients.open(s3UrlWithKeys(bucket, prefix))) {
            for (int level = 0; level <= LtxFileInfo.MAX_LEVEL; level++) {
                Path dir = replicaDir.resolve("ltx").resolve(Integer.toString(level));
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                List<Path> files;
                try (Stream<Path> s = Files.list(dir)) {
                    files = s.sorted().collect(Collectors.toList());
                }
                for (Path f : files) {
                    var info = LtxFileInfo.parse(level, f.getFileName().toString(), 0, null);
                    if (info.isEmpty()) {
                        continue;
                    }
                    byte[] data = Files.readAllBytes(f);
                    client.createLtxFile(
                                    level,
                                    info.get().minTxId(),
                                    info.get().maxTxId(),
                                    Files.getLastModifiedTime(f).toInstant(),
                                    Flux.just(ByteBuffer.wrap(data)),
                                    data.length)
                            .block(Duration.ofSeconds(60));
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** Lists the names of the level-0 files under an S3 prefix. */
    public static Set<String> level0(String bucket, String prefix) {
        try (StorageClient client = StorageClients.open(s3UrlWithKeys(bucket, prefix))) {
            return client.listLtxFiles(0, TxId.ZERO)
                    .map(LtxFileInfo::fileName)
                    .collect(Collectors.toCollection(TreeSet::new))
                    .block(Duration.ofSeconds(60));
        }
    }

    /** Whether an S3 prefix holds any LTX file. */
    public static boolean hasLtx(String bucket, String prefix) {
        try (StorageClient client = StorageClients.open(s3UrlWithKeys(bucket, prefix))) {
            return Flux.range(0, LtxFileInfo.MAX_LEVEL + 1)
                    .concatMap(l -> client.listLtxFiles(l, TxId.ZERO).take(1))
                    .hasElements()
                    .block(Duration.ofSeconds(60));
        }
    }
}
