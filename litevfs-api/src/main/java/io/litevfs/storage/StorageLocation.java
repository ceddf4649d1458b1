package io.litevfs.storage;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed replica URL: {@code scheme://bucket-or-container/prefix?option=value&...}, {@code file:///dir}, or a
 * plain directory path (which means {@code file://}).
 *
 * <p>Parsing is strict: a scheme must be followed by {@code //}, an option may appear only once, and option names
 * are lower-case words with dashes. Which options are allowed is decided by the provider
 * ({@link StorageClientProvider#options()}) together with {@link #COMMON_OPTIONS}; see
 * {@link #requireKnownOptions(Set)}.
 *
 * <p>{@link #toString()} redacts the values of options whose names suggest a secret, so a location can be logged.
 */
public final class StorageLocation {

    /** Options that every replica URL may carry; they configure the engine rather than the backend. */
    public static final Set<String> COMMON_OPTIONS =
            Set.of("cache-size", "poll-interval", "write", "sync-interval", "sync", "hydrate");

    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*");
    private static final Pattern OPTION_NAME = Pattern.compile("[a-z0-9][a-z0-9-_]*");
    private static final Pattern SECRET_OPTION =
            Pattern.compile(".*(secret|password|token|key|sas|sig|credential).*", Pattern.CASE_INSENSITIVE);

    private final String scheme;
    private final String authority;
    private final String path;
    private final Map<String, String> options;
    private final String original;

    private StorageLocation(
            String scheme, String authority, String path, Map<String, String> options, String original) {
        this.scheme = scheme;
        this.authority = authority;
        this.path = path;
        this.options = Collections.unmodifiableMap(options);
        this.original = original;
    }

    /**
     * Parses a replica URL.
     *
     * @param url {@code scheme://authority/path?options}, {@code file:///absolute/dir}, {@code file://relative/dir}
     *     or a directory path without a scheme
     * @return the location
     * @throws StorageException.InvalidLocation if the URL is malformed
     */
    public static StorageLocation parse(String url) {
        if (url == null || url.isBlank()) {
            throw new StorageException.InvalidLocation("empty replica URL");
        }
        String rest = url.trim();
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        Map<String, String> options = parseQuery(query, url);

        int colon = rest.indexOf("://");
        if (colon < 0) {
            if (rest.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !rest.matches("[a-zA-Z]:[\\\\/].*")) {
                throw new StorageException.InvalidLocation(
                        "malformed replica URL '" + redact(url) + "': expected scheme://bucket/prefix or file:///dir");
            }
            return fileLocation(rest, options, url);
        }
        String scheme = rest.substring(0, colon);
        if (!SCHEME.matcher(scheme).matches()) {
            throw new StorageException.InvalidLocation("malformed scheme in replica URL '" + redact(url) + "'");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        String afterScheme = rest.substring(colon + 3);
        if (scheme.equals("file")) {
            // file:///abs -> "/abs"; file://rel/dir -> "rel/dir" (relative to the working directory)
            if (afterScheme.isEmpty()) {
                throw new StorageException.InvalidLocation("file:// URL without a directory: '" + redact(url) + "'");
            }
            return fileLocation(decode(afterScheme, url), options, url);
        }
        int slash = afterScheme.indexOf('/');
        String authority = slash < 0 ? afterScheme : afterScheme.substring(0, slash);
        String path = slash < 0 ? "" : afterScheme.substring(slash + 1);
        if (authority.isEmpty()) {
            throw new StorageException.InvalidLocation("replica URL '" + redact(url)
                    + "' names no bucket or container (expected " + scheme + "://bucket/prefix)");
        }
        path = trimSlashes(decode(path, url));
        return new StorageLocation(scheme, decode(authority, url), path, options, url);
    }

    private static StorageLocation fileLocation(String dir, Map<String, String> options, String original) {
        if (dir.isBlank()) {
            throw new StorageException.InvalidLocation("empty directory in replica URL '" + redact(original) + "'");
        }
        Path p;
        try {
            p = Path.of(dir).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new StorageException.InvalidLocation(
                    "invalid directory in replica URL '" + redact(original) + "': " + e.getReason());
        }
        return new StorageLocation("file", "", p.toString(), options, original);
    }

    private static Map<String, String> parseQuery(@Nullable String query, String url) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), url).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), url);
            if (!OPTION_NAME.matcher(name).matches()) {
                throw new StorageException.InvalidLocation(
                        "malformed option name '" + name + "' in replica URL '" + redact(url) + "'");
            }
            if (options.put(name, value) != null) {
                throw new StorageException.InvalidLocation(
                        "option '" + name + "' given twice in replica URL '" + redact(url) + "'");
            }
        }
        return options;
    }

    private static String decode(String s, String url) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new StorageException.InvalidLocation(
                    "malformed percent-encoding in replica URL '" + redact(url) + "'");
        }
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    /** Returns the lower-case scheme, {@code file} for directories. */
    public String scheme() {
        return scheme;
    }

    /** Returns the bucket or container; empty for {@code file}. */
    public String authority() {
        return authority;
    }

    /**
     * Returns the key prefix without leading or trailing slashes (possibly empty); for {@code file}, the absolute,
     * normalised directory.
     */
    public String path() {
        return path;
    }

    /** Returns the options in the order given. */
    public Map<String, String> options() {
        return options;
    }

    /** Returns the value of an option, or {@code null}. */
    public @Nullable String option(String name) {
        return options.get(name);
    }

    /**
     * Checks that every option is either in {@code allowed} or in {@link #COMMON_OPTIONS}.
     *
     * @param allowed the backend's own options
     * @throws StorageException.InvalidLocation naming the first unknown option and the accepted ones
     */
    public void requireKnownOptions(Set<String> allowed) {
        for (String name : options.keySet()) {
            if (!allowed.contains(name) && !COMMON_OPTIONS.contains(name)) {
                Set<String> accepted = new TreeSet<>(allowed);
                accepted.addAll(COMMON_OPTIONS);
                throw new StorageException.InvalidLocation("unknown option '" + name + "' in " + scheme
                        + ":// replica URL (accepted: " + String.join(", ", accepted) + ")");
            }
        }
    }

    /** Returns the URL with secret option values replaced by {@code ***}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (scheme.equals("file")) {
            sb.append("file://").append(path);
        } else {
            sb.append(scheme).append("://").append(authority);
            if (!path.isEmpty()) {
                sb.append('/').append(path);
            }
        }
        char sep = '?';
        for (Map.Entry<String, String> e : options.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=');
            sb.append(SECRET_OPTION.matcher(e.getKey()).matches() ? "***" : e.getValue());
            sep = '&';
        }
        return sb.toString();
    }

    /** Returns the URL exactly as it was given (may contain secrets: do not log it). */
    public String original() {
        return original;
    }

    /** Redacts secret-looking query values of a raw URL string for error messages. */
    static String redact(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder sb = new StringBuilder(url.substring(0, q + 1));
        String[] pairs = url.substring(q + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                sb.append('&');
            }
            int eq = pairs[i].indexOf('=');
            String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            boolean secret = SECRET_OPTION.matcher(name).matches()
                    || SECRET_OPTION.matcher(decodeLeniently(name)).matches();
            sb.append(eq >= 0 && secret ? name + "=***" : pairs[i]);
        }
        return sb.toString();
    }

    /** Decodes percent-escapes for redaction, keeping the text as it is when it is not valid. */
    private static String decodeLeniently(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorageLocation
                && ((StorageLocation) o).scheme.equals(scheme)
                && ((StorageLocation) o).authority.equals(authority)
                && ((StorageLocation) o).path.equals(path)
                && ((StorageLocation) o).options.equals(options);
    }

    @Override
    public int hashCode() {
        return scheme.hashCode() * 31 * 31 + authority.hashCode() * 31 + path.hashCode();
    }
}
