package io.litevfs.storage.s3;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy embedded on 127.0.0.1 (a free port), started once per JVM with an in-memory blob store and AWS SigV2/V4
 * authentication ({@link #ACCESS_KEY} / {@link #SECRET_KEY}). Shared by the tests of storage-s3, storage-tigris and
 * litevfs-cli (test-jar).
 */
public final class S3ProxyServer {

    /** The access key id S3Proxy accepts. */
    public static final String ACCESS_KEY = "litevfs-test-id";

    /** The secret access key S3Proxy accepts. */
    public static final String SECRET_KEY = "litevfs-test-secret-0123456789";

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static volatile S3ProxyServer shared;

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private S3ProxyServer() throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        blobStore = new TransientNio2BlobStore();
        proxy = S3Proxy.builder()
                .blobStore(new AtomicConditionalBlobStore(blobStore))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
            } catch (Exception e) {
                // the JVM is exiting
            }
        }));
    }

    /** Returns the server, starting it on first use. */
    public static S3ProxyServer shared() {
        S3ProxyServer s = shared;
        if (s == null) {
            synchronized (S3ProxyServer.class) {
                s = shared;
                if (s == null) {
                    try {
                        s = new S3ProxyServer();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot start S3Proxy", e);
                    }
                    shared = s;
                }
            }
        }
        return s;
    }

    /** Returns {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    /** Returns the port. */
    public int port() {
        return endpoint.getPort();
    }

    /** Creates a new, empty bucket with a unique name starting with {@code prefix} and returns its name. */
    public String newBucket(String prefix) {
        String name = prefix + "-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        blobStore.createContainer(name);
        return name;
    }

    /** Creates a bucket with exactly this name (if missing). */
    public void createBucket(String name) {
        if (!blobStore.containerExists(name)) {
            blobStore.createContainer(name);
        }
    }

    /**
     * Returns the query string for this server with credentials in the URL:
     * {@code endpoint=…&region=us-east-1&force-path-style=true&access-key-id=…&secret-access-key=…}.
     */
    public String optionsWithCredentials() {
        return options() + "&access-key-id=" + ACCESS_KEY + "&secret-access-key=" + SECRET_KEY;
    }

    /** Returns {@code endpoint=…&region=us-east-1&force-path-style=true} (credentials from the environment). */
    public String options() {
        return "endpoint=" + URLEncoder.encode(endpoint.toString(), StandardCharsets.UTF_8)
                + "&region=us-east-1&force-path-style=true";
    }
}
