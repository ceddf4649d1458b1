package io.litevfs.storage.tigris;

import io.litevfs.storage.s3.S3Flavor;
import io.litevfs.storage.s3.S3Operation;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Tigris (S3-compatible, globally distributed): endpoint {@code https://t3.storage.dev}, signing region {@code
 * auto}, virtual-hosted addressing, and {@code X-Tigris-Consistent: true} on every request that makes or must observe
 * a write — listings (a poll must see the file just written), create-only and conditional writes, deletes, and
 * reads of small objects (the lease). Ranged reads of LTX files go without it: those files never change, and a
 * reader reaches them only through a consistent listing, so they are served from the nearest copy.
 *
 * <p>Endpoints recognised in {@code s3://} URLs: {@code *.storage.dev} ({@code t3.storage.dev}, {@code
 * fly.storage.tigris.dev} is under {@code tigris.dev}), {@code *.tigris.dev} and the older {@code *.storageapi.dev}.
 */
public final class TigrisFlavor implements S3Flavor {

    /** The global endpoint. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://t3.storage.dev");

    /** Tigris' signing region. */
    public static final String REGION = "auto";

    /** The header that routes a request through the leader for global strong consistency. */
    public static final String CONSISTENT_HEADER = "X-Tigris-Consistent";

    private static final Map<String, String> CONSISTENT = Map.of(CONSISTENT_HEADER, "true");

    /** Creates the flavor; called by {@link java.util.ServiceLoader}. */
    public TigrisFlavor() {}

    @Override
    public String name() {
        return "tigris";
    }

    @Override
    public boolean servesEndpoint(URI endpoint) {
        String host = endpoint.getHost();
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("storage.dev")
                || h.endsWith(".storage.dev")
                || h.equals("tigris.dev")
                || h.endsWith(".tigris.dev")
                || h.endsWith(".storageapi.dev");
    }

    @Override
    public URI defaultEndpoint() {
        return DEFAULT_ENDPOINT;
    }

    @Override
    public String defaultRegion() {
        return REGION;
    }

    @Override
    public boolean defaultForcePathStyle() {
        return false;
    }

    @Override
    public Map<String, String> headers(S3Operation operation) {
        return operation == S3Operation.READ_LTX ? Map.of() : CONSISTENT;
    }

    @Override
    public String toString() {
        return "TigrisFlavor";
    }
}
