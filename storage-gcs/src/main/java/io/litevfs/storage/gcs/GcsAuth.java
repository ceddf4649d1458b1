package io.litevfs.storage.gcs;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.litevfs.storage.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Supplies the request headers that authorise GCS requests ({@code Authorization: Bearer ...} and, when the
 * credentials name one, {@code x-goog-user-project}).
 *
 * <p>A cached token that is still valid for {@link #REFRESH_MARGIN} is returned at once, on the calling thread.
 * Loading the credentials (Application Default Credentials read files and may probe the metadata server) and
 * refreshing the token are blocking calls of google-auth-library, so they run on the given scheduler, never on
 * a Netty event loop; concurrent refreshes queue on one lock and the later ones find the fresh token.
 *
 * <p>Tokens and key material never appear in messages: errors say which credentials failed and why, with the
 * token endpoint's error code, not the request or the token.
 */
final class GcsAuth {

    /** The OAuth scope: read and write objects. */
    static final String SCOPE = "https://www.googleapis.com/auth/devstorage.read_write";

    /** A token is refreshed when it expires within this margin. */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(4);

    private static final URI METADATA_URI = URI.create("https://storage.googleapis.com/storage/v1/");

    private final GcsSettings settings;
    private final String where;
    private final Scheduler blocking;
    private final Clock clock;
    private final Object lock = new Object();

    private @Nullable GoogleCredentials credentials;
    private volatile @Nullable Headers current;

    /** Headers and the time they stop being usable. */
    private record Headers(Map<String, String> values, @Nullable Long expiresAtMillis) {}

    GcsAuth(GcsSettings settings, String where, Scheduler blocking, Clock clock) {
        this.settings = settings;
        this.where = where;
        this.blocking = blocking;
        this.clock = clock;
    }

    /** Returns whether requests carry credentials at all. */
    boolean enabled() {
        return settings.credentials() != GcsSettings.Credentials.NONE;
    }

    /**
     * Returns the headers to add to a request; empty map without credentials.
     *
     * @return the headers, from the cache or after a refresh on the blocking scheduler
     */
    Mono<Map<String, String>> headers() {
        if (!enabled()) {
            return Mono.just(Map.of());
        }
        Headers h = current;
        if (fresh(h)) {
            return Mono.just(h.values());
        }
        return Mono.fromCallable(this::refresh).subscribeOn(blocking);
    }

    private boolean fresh(@Nullable Headers h) {
        return h != null
                && (h.expiresAtMillis() == null || h.expiresAtMillis() - clock.millis() > REFRESH_MARGIN.toMillis());
    }

    private Map<String, String> refresh() {
        synchronized (lock) {
            Headers h = current;
            if (fresh(h)) {
                return h.values();
            }
            GoogleCredentials c = credentials;
            if (c == null) {
                c = load();
                credentials = c;
            }
            Map<String, List<String>> metadata;
            AccessToken token;
            try {
                c.refreshIfExpired();
                token = c.getAccessToken();
                if (token == null
                        || token.getExpirationTime() != null
                                && token.getExpirationTime().getTime() - clock.millis() <= REFRESH_MARGIN.toMillis()) {
                    c.refresh();
                    token = c.getAccessToken();
                }
                metadata = c.getRequestMetadata(METADATA_URI);
            } catch (IOException | RuntimeException e) {
                throw refreshError(e);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : metadata.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    values.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().get(0));
                }
            }
            if (!values.containsKey("authorization") && token != null) {
                values.put("authorization", "Bearer " + token.getTokenValue());
            }
            Long expires = token == null || token.getExpirationTime() == null
                    ? null
                    : token.getExpirationTime().getTime();
            Headers fresh = new Headers(Map.copyOf(values), expires);
            current = fresh;
            return fresh.values();
        }
    }

    @SuppressWarnings("deprecation") // fromStream loads any credential type; the user names the file
    private GoogleCredentials load() {
        GoogleCredentials c;
        if (settings.credentials() == GcsSettings.Credentials.FILE) {
            Path file = settings.credentialsFile();
            try (InputStream in = Files.newInputStream(file)) {
                c = GoogleCredentials.fromStream(in);
            } catch (NoSuchFileException | FileNotFoundException e) {
                throw new StorageException.AccessDenied(
                        "cannot load Google credentials: no such file " + file + " (option credentials) " + where, e);
            } catch (IOException | RuntimeException e) {
                throw new StorageException.AccessDenied(
                        "cannot load Google credentials from " + file + " (option credentials): " + safe(e) + " "
                                + where,
                        null);
            }
        } else {
            try {
                c = GoogleCredentials.getApplicationDefault();
            } catch (IOException | RuntimeException e) {
                throw new StorageException.AccessDenied(
                        "no Google credentials found (Application Default Credentials): set"
                                + " GOOGLE_APPLICATION_CREDENTIALS to a key file, run 'gcloud auth"
                                + " application-default login', pass credentials=/path/key.json, or use"
                                + " credentials=none for a public bucket (" + STORAGE_EMULATOR_HINT + ") " + where,
                        null);
            }
        }
        return c.createScopedRequired() ? c.createScoped(List.of(SCOPE)) : c;
    }

    private static final String STORAGE_EMULATOR_HINT = "or STORAGE_EMULATOR_HOST=host:port for an emulator";

    private StorageException refreshError(Throwable e) {
        boolean retryable = e instanceof Retryable r && r.isRetryable();
        String reason = safe(e);
        String message =
                "Google credentials (" + describe() + ") could not get an access token: " + reason + " " + where;
        if (retryable) {
            return new StorageException(message, null, true);
        }
        return new StorageException.AccessDenied(message, null);
    }

    private String describe() {
        return settings.credentials() == GcsSettings.Credentials.FILE
                ? "file " + settings.credentialsFile()
                : "Application Default Credentials";
    }

    /**
     * Returns a one-line description of a google-auth error without anything that could be secret: the OAuth error
     * code and description when the token endpoint sent them, else the first line of the message with anything that
     * looks like a token removed.
     */
    static String safe(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // The token endpoint's answer is in the message or in a cause (google-http-client's HttpResponseException).
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && all.length() < 100_000; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t instanceof HttpResponseException hre && hre.getContent() != null) {
                all.append(hre.getContent()).append('\n');
            }
            if (t.getCause() == t) {
                break;
            }
        }
        List<String> parts = new ArrayList<>();
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("\"error\"\\s*:\\s*\"([^\"]{1,100})\"")
                .matcher(all);
        java.util.regex.Matcher desc = java.util.regex.Pattern.compile(
                        "\"error_description\"\\s*:\\s*\"([^\"]{1,300})\"")
                .matcher(all);
        if (code.find()) {
            parts.add(code.group(1));
        }
        if (desc.find()) {
            parts.add(desc.group(1));
        }
        String status = firstLine(msg);
        if (parts.isEmpty()) {
            return redactTokens(status);
        }
        return redactTokens(status) + " (" + String.join(": ", parts) + ")";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Removes bearer tokens, OAuth access tokens ({@code ya29.}) and PEM blocks from a message. */
    static String redactTokens(String s) {
        return s.replaceAll("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+", "Bearer ***")
                .replaceAll("ya29\\.[A-Za-z0-9._~+/=-]+", "***")
                .replaceAll("-----BEGIN[^-]*-----[\\s\\S]*?-----END[^-]*-----", "***");
    }
}
