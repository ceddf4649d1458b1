package io.litevfs.storage.azure;

import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where an Azure replica lives and how to authenticate, resolved from the URL, its options and the environment.
 *
 * <p>This class never reads the environment itself: {@link #resolve} gets a lookup function, and the provider
 * passes {@link System#getenv(String)} — the only place the backend touches environment variables. Secrets are
 * kept in {@link Credential} and never appear in {@link #toString()}, {@link #describeCredential()} or in any
 * exception message built here.
 *
 * @param container the container name
 * @param prefix the key prefix, empty or ending with {@code /}
 * @param endpoint the blob service endpoint, without a trailing slash (for emulators it includes the account:
 *     {@code http://127.0.0.1:10000/devstoreaccount1})
 * @param account the storage account, if known
 * @param credential how requests are authenticated
 */
record AzureSettings(
        String container, String prefix, String endpoint, @Nullable String account, Credential credential) {

    /** Environment variable with a full connection string (what the Azure CLI and SDKs use). */
    static final String ENV_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
    /** Environment variable with the account name. */
    static final String ENV_ACCOUNT = "AZURE_STORAGE_ACCOUNT";
    /** Environment variable with the account key. */
    static final String ENV_KEY = "AZURE_STORAGE_KEY";
    /** Litestream's environment variable for the account key. */
    static final String ENV_LITESTREAM_KEY = "LITESTREAM_AZURE_ACCOUNT_KEY";
    /** Environment variable with a SAS token. */
    static final String ENV_SAS = "AZURE_STORAGE_SAS_TOKEN";

    /** The account and key of the storage emulators (public, documented by Microsoft). */
    static final String DEV_ACCOUNT = "devstoreaccount1";

    static final String DEV_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Pattern CONTAINER = Pattern.compile("\\$root|\\$web|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");

    /** How requests are authenticated. {@link #toString()} never shows a secret. */
    sealed interface Credential {
        /** Returns where the credential came from, e.g. {@code option key}. */
        String source();
    }

    /** Shared key of an account. */
    record SharedKey(String account, String key, String source) implements Credential {
        @Override
        public String toString() {
            return "shared key of account " + account + " (from " + source + ")";
        }
    }

    /** A shared access signature, without a leading {@code ?}. */
    record Sas(String token, String source) implements Credential {
        @Override
        public String toString() {
            return "SAS token (from " + source + ")";
        }
    }

    /** No credentials: only public containers can be read. */
    record Anonymous(String source) implements Credential {
        @Override
        public String toString() {
            return "no credentials (anonymous access)";
        }
    }

    /**
     * Resolves a location.
     *
     * <p>Credentials, first match wins: the {@code sas} option; the {@code key} option (with the account from the
     * URL, the {@code account} option, {@code AZURE_STORAGE_ACCOUNT} or the endpoint); {@code
     * AZURE_STORAGE_CONNECTION_STRING} unless the URL names another account; {@code AZURE_STORAGE_KEY} or {@code
     * LITESTREAM_AZURE_ACCOUNT_KEY}; {@code AZURE_STORAGE_SAS_TOKEN}; else anonymous. The endpoint is the {@code
     * endpoint} option, else the connection string's, else {@code https://<account>.blob.core.windows.net}.
     *
     * @param location an {@code abs://} or {@code az://} location, {@code [account@]container/prefix}
     * @param env the environment lookup
     * @return the settings
     * @throws StorageException.InvalidLocation for an invalid container, account, endpoint or option
     */
    static AzureSettings resolve(StorageLocation location, Function<String, @Nullable String> env) {
        String scheme = location.scheme();
        String authority = location.authority();
        String urlAccount = null;
        String container = authority;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            urlAccount = authority.substring(0, at);
            container = authority.substring(at + 1);
            if (urlAccount.contains(":")) {
                // abs://account:secret@container: never echo the part after the colon.
                throw invalid(
                        scheme,
                        "put no secret in the URL's user part (use " + scheme
                                + "://ACCOUNT@CONTAINER/PATH and give the key with the key option or " + ENV_KEY + ")");
            }
            urlAccount = checkAccount(scheme, urlAccount.toLowerCase(Locale.ROOT), "in the URL");
        }
        if (!CONTAINER.matcher(container).matches()) {
            throw invalid(
                    scheme,
                    "invalid container name '" + container
                            + "' (3-63 characters: lower-case letters, digits and single dashes)");
        }
        String prefix = location.path().isEmpty() ? "" : location.path() + "/";

        String optAccount = alias(location, "account", "account-name", false);
        if (optAccount != null) {
            optAccount = checkAccount(scheme, optAccount.toLowerCase(Locale.ROOT), "in option account");
            if (urlAccount != null && !urlAccount.equals(optAccount)) {
                throw invalid(
                        scheme,
                        "the URL names account '" + urlAccount + "' but option account names '" + optAccount + "'");
            }
        }
        String namedAccount = urlAccount != null ? urlAccount : optAccount;
        String optKey = alias(location, "key", "account-key", true);
        String optSas = alias(location, "sas", "sas-token", true);
        if (optKey != null && optSas != null) {
            throw invalid(scheme, "give either a key or a SAS token, not both");
        }
        String optEndpoint = location.option("endpoint");
        if (optEndpoint != null && optEndpoint.isBlank()) {
            throw invalid(scheme, "option endpoint is empty");
        }

        Map<String, String> conn = null;
        String connString = env.apply(ENV_CONNECTION_STRING);
        if (optKey == null && optSas == null && connString != null && !connString.isBlank()) {
            conn = parseConnectionString(scheme, connString);
            String connAccount = connAccount(conn);
            if (namedAccount != null && connAccount != null && !namedAccount.equals(connAccount)) {
                conn = null; // for another account: ignore it
            }
        }

        String account = namedAccount;
        if (account == null && conn != null) {
            account = connAccount(conn);
        }
        if (account == null) {
            String envAccount = env.apply(ENV_ACCOUNT);
            if (envAccount != null && !envAccount.isBlank()) {
                account = checkAccount(scheme, envAccount.trim().toLowerCase(Locale.ROOT), "in " + ENV_ACCOUNT);
            }
        }

        String endpoint;
        if (optEndpoint != null) {
            endpoint = checkEndpoint(scheme, optEndpoint, "option endpoint");
        } else if (conn != null && connEndpoint(scheme, conn) != null) {
            endpoint = connEndpoint(scheme, conn);
        } else if (account != null) {
            endpoint = "https://" + account + ".blob.core.windows.net";
        } else {
            throw invalid(
                    scheme,
                    "no storage account: use " + scheme + "://ACCOUNT@" + container
                            + "/PATH, the account or endpoint option, " + ENV_ACCOUNT + " or " + ENV_CONNECTION_STRING);
        }
        URI endpointUri = URI.create(endpoint);
        if (account == null) {
            account = accountFromEndpoint(endpointUri);
        } else if (isLocal(endpointUri)
                && (endpointUri.getPath() == null || endpointUri.getPath().isEmpty())) {
            // Emulators address the account in the path: http://127.0.0.1:10000/devstoreaccount1.
            endpoint = endpoint + "/" + account;
        }

        Credential credential;
        if (optSas != null) {
            credential = new Sas(checkSas(scheme, optSas, "option sas"), "option sas");
        } else if (optKey != null) {
            credential = new SharedKey(
                    requireAccount(scheme, account), checkKey(scheme, optKey, "option key"), "option key");
        } else if (conn != null && conn.containsKey("accountkey")) {
            credential = new SharedKey(
                    requireAccount(scheme, account),
                    checkKey(scheme, conn.get("accountkey"), ENV_CONNECTION_STRING),
                    ENV_CONNECTION_STRING);
        } else if (conn != null && conn.containsKey("sharedaccesssignature")) {
            credential = new Sas(
                    checkSas(scheme, conn.get("sharedaccesssignature"), ENV_CONNECTION_STRING), ENV_CONNECTION_STRING);
        } else if (conn != null && "true".equalsIgnoreCase(conn.get("usedevelopmentstorage"))) {
            credential = new SharedKey(DEV_ACCOUNT, DEV_KEY, ENV_CONNECTION_STRING + " (development storage)");
        } else if (nonBlank(env.apply(ENV_KEY)) || nonBlank(env.apply(ENV_LITESTREAM_KEY))) {
            String name = nonBlank(env.apply(ENV_KEY)) ? ENV_KEY : ENV_LITESTREAM_KEY;
            credential = new SharedKey(
                    requireAccount(scheme, account),
                    checkKey(scheme, Objects.requireNonNull(env.apply(name)), name),
                    name);
        } else if (nonBlank(env.apply(ENV_SAS))) {
            credential = new Sas(checkSas(scheme, Objects.requireNonNull(env.apply(ENV_SAS)), ENV_SAS), ENV_SAS);
        } else {
            credential = new Anonymous("no credentials found");
        }
        return new AzureSettings(container, prefix, stripSlash(endpoint), account, credential);
    }

    /** Returns a description of the credential for messages, without the secret. */
    String describeCredential() {
        return credential.toString();
    }

    /** Returns {@code account=…, endpoint=…, container=…} for messages. */
    String where() {
        return "account=" + (account == null ? "?" : account) + ", endpoint=" + endpoint + ", container=" + container;
    }

    @Override
    public String toString() {
        return "AzureSettings[" + where() + ", prefix=" + prefix + ", credential=" + credential + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private static @Nullable String alias(StorageLocation location, String name, String alias, boolean secret) {
        String a = location.option(name);
        String b = location.option(alias);
        if (a != null && b != null && !a.equals(b)) {
            throw invalid(
                    location.scheme(),
                    "options " + name + " and " + alias + " differ" + (secret ? "" : " ('" + a + "' vs '" + b + "')"));
        }
        String v = a != null ? a : b;
        if (v != null && v.isBlank()) {
            throw invalid(location.scheme(), "option " + (a != null ? name : alias) + " is empty");
        }
        return v == null ? null : v.trim();
    }

    /** Parses {@code Key=Value;...}; keys lower-cased. Values may contain {@code =} (base64 padding). */
    static Map<String, String> parseConnectionString(String scheme, String connString) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String part : connString.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw invalid(scheme, ENV_CONNECTION_STRING + " is malformed (expected Key=Value;Key=Value...)");
            }
            map.put(
                    p.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                    p.substring(eq + 1).trim());
        }
        return map;
    }

    private static @Nullable String connAccount(Map<String, String> conn) {
        String name = conn.get("accountname");
        if (name != null && !name.isBlank()) {
            return name.toLowerCase(Locale.ROOT);
        }
        return "true".equalsIgnoreCase(conn.get("usedevelopmentstorage")) ? DEV_ACCOUNT : null;
    }

    private static @Nullable String connEndpoint(String scheme, Map<String, String> conn) {
        String blob = conn.get("blobendpoint");
        if (blob != null && !blob.isBlank()) {
            return checkEndpoint(scheme, blob, ENV_CONNECTION_STRING + " BlobEndpoint");
        }
        if ("true".equalsIgnoreCase(conn.get("usedevelopmentstorage"))) {
            return "http://127.0.0.1:10000/" + DEV_ACCOUNT;
        }
        String account = connAccount(conn);
        if (account == null) {
            return null;
        }
        String protocol = conn.getOrDefault("defaultendpointsprotocol", "https");
        String suffix = conn.getOrDefault("endpointsuffix", "core.windows.net");
        return checkEndpoint(scheme, protocol + "://" + account + ".blob." + suffix, ENV_CONNECTION_STRING);
    }

    private static String checkEndpoint(String scheme, String endpoint, String source) {
        URI uri;
        try {
            uri = new URI(endpoint.trim());
        } catch (URISyntaxException e) {
            throw invalid(scheme, source + " is not a URL");
        }
        if (uri.getRawQuery() != null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            // A query could hold a SAS token and user info a password: say so without echoing them.
            throw invalid(
                    scheme,
                    source + " must be scheme://host[:port][/path] without query or user info"
                            + " (give a SAS token with the sas option)");
        }
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https") || uri.getHost() == null) {
            throw invalid(scheme, source + " must be an http:// or https:// URL with a host: '" + endpoint + "'");
        }
        return stripSlash(uri.toString());
    }

    private static @Nullable String accountFromEndpoint(URI endpoint) {
        if (isLocal(endpoint) || isIp(endpoint.getHost())) {
            String path = endpoint.getPath() == null ? "" : endpoint.getPath();
            String first = path.replaceFirst("^/+", "").split("/", 2)[0];
            return first.isEmpty() ? null : first.toLowerCase(Locale.ROOT);
        }
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).startsWith(".blob.") ? host.substring(0, dot) : null;
    }

    private static boolean isLocal(URI uri) {
        String host = uri.getHost();
        return host != null
                && (host.equalsIgnoreCase("localhost")
                        || host.startsWith("127.")
                        || host.equals("[::1]")
                        || isIp(host));
    }

    private static boolean isIp(@Nullable String host) {
        return host != null && (host.matches("[0-9.]+") || host.startsWith("["));
    }

    private static String checkAccount(String scheme, String account, String where) {
        // Emulators and sovereign clouds accept the same shape; Azurite's account is devstoreaccount1.
        if (!ACCOUNT.matcher(account).matches()) {
            throw invalid(
                    scheme,
                    "invalid storage account name '" + account + "' " + where
                            + " (3-24 lower-case letters and digits)");
        }
        return account;
    }

    private static String requireAccount(String scheme, @Nullable String account) {
        if (account == null) {
            throw invalid(
                    scheme,
                    "a shared key needs the storage account: use " + scheme
                            + "://ACCOUNT@CONTAINER/PATH, option account or " + ENV_ACCOUNT);
        }
        return account;
    }

    private static String checkKey(String scheme, String key, String source) {
        String k = key.trim();
        try {
            if (Base64.getDecoder().decode(k).length == 0) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw invalid(scheme, "the account key from " + source + " is not valid base64");
        }
        return k;
    }

    private static String checkSas(String scheme, String sas, String source) {
        String s = sas.trim();
        if (s.startsWith("?")) {
            s = s.substring(1);
        }
        if (!s.contains("sig=")) {
            throw invalid(
                    scheme,
                    "the SAS token from " + source + " has no sig= parameter"
                            + (source.startsWith("option")
                                    ? " (percent-encode it in the URL: & as %26, = as %3D)"
                                    : ""));
        }
        return s;
    }

    private static boolean nonBlank(@Nullable String s) {
        return s != null && !s.isBlank();
    }

    private static String stripSlash(String s) {
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    private static StorageException.InvalidLocation invalid(String scheme, String message) {
        return new StorageException.InvalidLocation(scheme + ":// replica URL: " + message);
    }
}
