package io.litevfs.storage.gcs;

import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code gs://} replica URL and the environment say about where and how to connect. This is the one place
 * where the backend reads environment variables (the provider passes {@link System#getenv()}; tests pass a map).
 *
 * @param bucket the bucket
 * @param prefix the key prefix without leading or trailing slashes, possibly empty
 * @param endpoint the JSON API root, e.g. {@code https://storage.googleapis.com}, without a trailing slash
 * @param endpointSource where the endpoint came from, for messages
 * @param credentials how requests are authorised
 * @param credentialsFile the key file for {@link Credentials#FILE}
 * @param userProject the project billed for requester-pays buckets ({@code userProject} parameter), if any
 */
record GcsSettings(
        String bucket,
        String prefix,
        URI endpoint,
        String endpointSource,
        Credentials credentials,
        @Nullable Path credentialsFile,
        @Nullable String userProject) {

    /** The public endpoint of the GCS JSON API. */
    static final URI DEFAULT_ENDPOINT = URI.create("https://storage.googleapis.com");

    /** The environment variable Google's client libraries read to talk to an emulator without credentials. */
    static final String EMULATOR_HOST_VARIABLE = "STORAGE_EMULATOR_HOST";

    /** URL option: the JSON API root, for emulators, private endpoints and proxies. */
    static final String OPTION_ENDPOINT = "endpoint";

    /** URL option: {@code default}, {@code none}, or the path of a credentials JSON file. */
    static final String OPTION_CREDENTIALS = "credentials";

    /** URL option: the project billed for requests to requester-pays buckets. */
    static final String OPTION_PROJECT = "project";

    /** Every URL option of the backend. */
    static final Set<String> OPTIONS = Set.of(OPTION_ENDPOINT, OPTION_CREDENTIALS, OPTION_PROJECT);

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9.:-]{0,100}");

    /** How requests are authorised. */
    enum Credentials {
        /** Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the metadata server). */
        DEFAULT,
        /** A credentials JSON file named in the URL (a service-account key, an authorized-user file, ...). */
        FILE,
        /** No {@code Authorization} header: emulators and public buckets. */
        NONE
    }

    GcsSettings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * Resolves the settings of a location.
     *
     * <p>Endpoint: the {@code endpoint} option, else {@code STORAGE_EMULATOR_HOST} ({@code host:port} or a URL, as
     * Google's client libraries accept it), else {@code https://storage.googleapis.com}. Credentials: the
     * {@code credentials} option; without it, none for an emulator named by {@code STORAGE_EMULATOR_HOST} and for
     * a plain {@code http://} endpoint (a bearer token is never sent in clear text), Application Default Credentials
     * otherwise.
     *
     * @param location a {@code gs} location whose options were checked against {@link #OPTIONS}
     * @param env the environment
     * @return the settings
     * @throws StorageException.InvalidLocation for an invalid bucket name or option value
     */
    static GcsSettings resolve(StorageLocation location, Map<String, String> env) {
        String bucket = location.authority();
        if (!BUCKET.matcher(bucket).matches()) {
            throw new StorageException.InvalidLocation("invalid GCS bucket name '" + bucket + "' in " + location
                    + " (3-222 characters: lower-case letters, digits, '-', '_' and '.')");
        }
        String endpointOption = location.option(OPTION_ENDPOINT);
        String emulatorHost = env.get(EMULATOR_HOST_VARIABLE);
        URI endpoint;
        String source;
        boolean plainDefault;
        if (endpointOption != null) {
            endpoint = endpoint(endpointOption, "option endpoint", location);
            source = "endpoint " + endpoint;
            plainDefault = endpoint.getScheme().equals("http");
        } else if (emulatorHost != null && !emulatorHost.isBlank()) {
            String value = emulatorHost.trim();
            if (!value.contains("://")) {
                value = "http://" + value;
            }
            endpoint = endpoint(value, EMULATOR_HOST_VARIABLE, location);
            source = "emulator " + endpoint + " (" + EMULATOR_HOST_VARIABLE + ")";
            plainDefault = true;
        } else {
            endpoint = DEFAULT_ENDPOINT;
            source = DEFAULT_ENDPOINT.toString();
            plainDefault = false;
        }

        String credentialsOption = location.option(OPTION_CREDENTIALS);
        Credentials credentials;
        Path file = null;
        if (credentialsOption == null) {
            credentials = plainDefault ? Credentials.NONE : Credentials.DEFAULT;
        } else {
            switch (credentialsOption.toLowerCase(Locale.ROOT)) {
                case "default", "adc" -> credentials = Credentials.DEFAULT;
                case "none", "anonymous" -> credentials = Credentials.NONE;
                case "" -> throw new StorageException.InvalidLocation("option credentials needs a value in " + location
                        + " (default, none, or the path of a credentials JSON file)");
                default -> {
                    credentials = Credentials.FILE;
                    file = Path.of(credentialsOption).toAbsolutePath().normalize();
                }
            }
        }

        String project = location.option(OPTION_PROJECT);
        if (project != null && !PROJECT.matcher(project).matches()) {
            throw new StorageException.InvalidLocation("invalid GCS project id in option project of " + location);
        }
        return new GcsSettings(bucket, location.path(), endpoint, source, credentials, file, project);
    }

    private static URI endpoint(String value, String what, StorageLocation location) {
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw new StorageException.InvalidLocation(
                    "invalid GCS endpoint in " + what + " for " + location + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new StorageException.InvalidLocation("invalid GCS endpoint '" + value + "' in " + what + " for "
                    + location + " (expected http://host:port or https://host)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new StorageException.InvalidLocation("GCS endpoint in " + what + " for " + location
                    + " must not carry user info, a query or a fragment");
        }
        return uri;
    }

    /** Returns the object key of a name under the prefix. */
    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Returns the key prefix of a level's LTX files, ending in a slash: {@code <prefix>/ltx/<level>/}. */
    String levelPrefix(int level) {
        return key("ltx/" + level + "/");
    }
}
