package io.litevfs.storage.s3;

import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Everything an {@link S3StorageClient} needs, resolved from a replica URL by {@link #fromLocation}.
 *
 * <p>URL options ({@link #OPTIONS}):
 *
 * <ul>
 *   <li>{@code endpoint}: an S3-compatible endpoint, {@code http://host:port} or {@code https://host}; a bare host
 *       means {@code https://}. Without it, AWS S3 (or the flavor's default endpoint).
 *   <li>{@code region}: the signing region. Without it: the flavor's default; {@code us-east-1} with an endpoint;
 *       otherwise the SDK's region chain ({@code AWS_REGION}, profile), else {@code us-east-1} with cross-region
 *       access enabled, so a bucket in any region is found.
 *   <li>{@code force-path-style}: {@code true} or {@code false}. Default: the flavor's; path style for endpoints on
 *       an IP address or {@code localhost}, else virtual-hosted style.
 *   <li>{@code access-key-id}, {@code secret-access-key} (together) and {@code session-token} (optional), or {@code
 *       profile} (a profile of {@code ~/.aws/credentials}). Without them: the SDK's default chain
 *       ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE}, web identity, container and
 *       instance roles). Their values are redacted whenever a location is printed, and never appear in messages.
 * </ul>
 *
 * @param bucket the bucket
 * @param prefix the key prefix without slashes at either end, possibly empty
 * @param endpoint the endpoint, or {@code null} for AWS S3
 * @param region the signing region
 * @param crossRegion whether the SDK may follow a bucket to another region (when no region was configured)
 * @param forcePathStyle whether to use path-style addressing
 * @param credentials where credentials come from
 * @param closeCredentials whether the client owns (and closes) {@code credentials}
 * @param credentialSource how the credentials were configured, for messages (never the credentials themselves)
 * @param flavor the S3-compatible store's flavor, or {@code null} for plain S3
 * @param interceptors extra SDK interceptors (metrics, tests)
 * @param maxKeys the page size of listings (1..1000)
 */
public record S3Settings(
        String bucket,
        String prefix,
        @Nullable URI endpoint,
        String region,
        boolean crossRegion,
        boolean forcePathStyle,
        AwsCredentialsProvider credentials,
        boolean closeCredentials,
        String credentialSource,
        @Nullable S3Flavor flavor,
        List<ExecutionInterceptor> interceptors,
        int maxKeys) {

    /** The URL options of {@code s3://} (and {@code tigris://}) locations. */
    public static final Set<String> OPTIONS = Set.of(
            "endpoint", "region", "force-path-style", "access-key-id", "secret-access-key", "session-token", "profile");

    /** Region used for custom endpoints and when nothing else names one. */
    public static final String DEFAULT_REGION = "us-east-1";

    /** Validates the components. */
    public S3Settings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(credentialSource, "credentialSource");
        interceptors = List.copyOf(interceptors);
        if (maxKeys < 1 || maxKeys > 1000) {
            throw new IllegalArgumentException("maxKeys must be 1..1000, got " + maxKeys);
        }
    }

    /** Returns a copy with more SDK interceptors. */
    public S3Settings withInterceptors(List<ExecutionInterceptor> more) {
        List<ExecutionInterceptor> all = new java.util.ArrayList<>(interceptors);
        all.addAll(more);
        return new S3Settings(
                bucket,
                prefix,
                endpoint,
                region,
                crossRegion,
                forcePathStyle,
                credentials,
                closeCredentials,
                credentialSource,
                flavor,
                all,
                maxKeys);
    }

    /** Returns a copy with another listing page size (1..1000). */
    public S3Settings withMaxKeys(int newMaxKeys) {
        return new S3Settings(
                bucket,
                prefix,
                endpoint,
                region,
                crossRegion,
                forcePathStyle,
                credentials,
                closeCredentials,
                credentialSource,
                flavor,
                interceptors,
                newMaxKeys);
    }

    /** Returns the extra headers of one kind of request. */
    public Map<String, String> headers(S3Operation operation) {
        return flavor == null ? Map.of() : flavor.headers(operation);
    }

    /** Returns the endpoint for messages: the configured one, or the store's name. */
    public String endpointDescription() {
        return endpoint != null ? endpoint.toString() : "AWS S3 (" + region + ")";
    }

    /**
     * Resolves the settings of a location. Cheap: no I/O except reading the SDK's region configuration when no region
     * is given.
     *
     * @param location an {@code s3://} or {@code tigris://} location (options already checked against {@link
     *     #OPTIONS})
     * @param flavor the flavor to apply; {@code null} to pick one by endpoint ({@link S3Flavor} services) or none
     * @return the settings
     * @throws StorageException.InvalidLocation for an invalid option value
     */
    public static S3Settings fromLocation(StorageLocation location, @Nullable S3Flavor flavor) {
        String bucket = location.authority();
        if (!bucket.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}")) {
            throw new StorageException.InvalidLocation(
                    "invalid bucket name '" + bucket + "' in replica URL " + location);
        }
        URI endpoint = parseEndpoint(location);
        if (flavor == null && endpoint != null) {
            flavor = flavorFor(endpoint);
        }
        if (endpoint == null && flavor != null) {
            endpoint = flavor.defaultEndpoint();
        }
        String region = location.option("region");
        boolean crossRegion = false;
        if (region != null) {
            if (!region.matches("[a-z0-9-]+")) {
                throw new StorageException.InvalidLocation(
                        "invalid region '" + region + "' in replica URL " + location + " (e.g. us-east-1, auto)");
            }
        } else if (flavor != null) {
            region = flavor.defaultRegion();
        } else if (endpoint != null) {
            region = DEFAULT_REGION;
        } else {
            region = configuredRegion();
            if (region == null) {
                region = DEFAULT_REGION;
                crossRegion = true;
            }
        }
        boolean pathStyle = parsePathStyle(location, endpoint, flavor);

        String keyId = location.option("access-key-id");
        String secret = location.option("secret-access-key");
        String token = location.option("session-token");
        String profile = location.option("profile");
        AwsCredentialsProvider credentials;
        boolean owned = false;
        String source;
        if (keyId != null || secret != null || token != null) {
            if (keyId == null || secret == null || keyId.isEmpty() || secret.isEmpty()) {
                throw new StorageException.InvalidLocation(
                        "replica URL " + location + " must give both access-key-id and secret-access-key, or neither");
            }
            if (profile != null) {
                throw new StorageException.InvalidLocation(
                        "replica URL " + location + " gives both a profile and access keys; choose one");
            }
            credentials = StaticCredentialsProvider.create(
                    token == null || token.isEmpty()
                            ? AwsBasicCredentials.create(keyId, secret)
                            : AwsSessionCredentials.create(keyId, secret, token));
            source = "the access-key-id and secret-access-key options";
        } else if (profile != null) {
            if (profile.isEmpty()) {
                throw new StorageException.InvalidLocation("empty profile option in replica URL " + location);
            }
            credentials =
                    ProfileCredentialsProvider.builder().profileName(profile).build();
            owned = true;
            source = "profile '" + profile + "'";
        } else {
            credentials = DefaultCredentialsProvider.builder().build();
            owned = true;
            source = "the default AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE,"
                    + " instance or container role)";
        }
        return new S3Settings(
                bucket,
                location.path(),
                endpoint,
                region,
                crossRegion,
                pathStyle,
                credentials,
                owned,
                source,
                flavor,
                List.of(),
                1000);
    }

    private static @Nullable URI parseEndpoint(StorageLocation location) {
        String value = location.option("endpoint");
        if (value == null) {
            return null;
        }
        String text = value.trim();
        if (text.isEmpty()) {
            throw new StorageException.InvalidLocation("empty endpoint option in replica URL " + location);
        }
        if (!text.contains("://")) {
            text = "https://" + text;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new StorageException.InvalidLocation(
                        "endpoint '" + value + "' in replica URL " + location + " must be http:// or https://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new StorageException.InvalidLocation(
                        "endpoint '" + value + "' in replica URL " + location + " names no host");
            }
            if (uri.getRawQuery() != null || uri.getUserInfo() != null) {
                throw new StorageException.InvalidLocation("endpoint '" + value + "' in replica URL " + location
                        + " must be scheme://host[:port][/path] only");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new StorageException.InvalidLocation(
                    "malformed endpoint '" + value + "' in replica URL " + location + ": " + e.getReason());
        }
    }

    private static boolean parsePathStyle(StorageLocation location, @Nullable URI endpoint, @Nullable S3Flavor flavor) {
        String value = location.option("force-path-style");
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("1") || v.isEmpty()) {
                return true;
            }
            if (v.equals("false") || v.equals("0")) {
                return false;
            }
            throw new StorageException.InvalidLocation(
                    "force-path-style must be true or false, not '" + value + "', in replica URL " + location);
        }
        if (endpoint != null && isLocalOrIp(endpoint.getHost())) {
            return true; // virtual-hosted names cannot work on an IP address
        }
        return flavor != null && flavor.defaultForcePathStyle();
    }

    private static boolean isLocalOrIp(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.endsWith(".localhost")
                || h.startsWith("[")
                || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static @Nullable String configuredRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
        } catch (RuntimeException e) {
            return null; // nothing configured
        }
    }

    /** Returns the flavor on the class path that serves an endpoint, if any. */
    static @Nullable S3Flavor flavorFor(URI endpoint) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (S3Flavor f : ServiceLoader.load(S3Flavor.class, cl != null ? cl : S3Settings.class.getClassLoader())) {
            if (f.servesEndpoint(endpoint)) {
                return f;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "S3Settings[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpointDescription()
                + ", region=" + region + ", pathStyle=" + forcePathStyle + ", flavor="
                + (flavor == null ? "s3" : flavor.name()) + ", credentials from " + credentialSource + "]";
    }
}
