package io.litevfs.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The interop vectors (replicas written by the real Litestream, with expected answers in {@code manifest.json}),
 * found through the {@code litevfs.vectors} system property that the build sets.
 */
public final class Vectors {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final java.util.regex.Pattern UNUSED_PAGE =
            java.util.regex.Pattern.compile("Page (\\d+) is never used");
    private static volatile JsonNode manifest;

    private Vectors() {}

    /** Returns the vectors directory. */
    public static Path dir() {
        String p = System.getProperty("litevfs.vectors");
        if (p == null) {
            throw new IllegalStateException("system property litevfs.vectors is not set (run the tests with Maven)");
        }
        Path dir = Path.of(p);
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw new IllegalStateException("no manifest.json in " + dir);
        }
        return dir;
    }

    /** Returns the parsed manifest. */
    public static JsonNode manifest() {
        JsonNode m = manifest;
        if (m == null) {
            try {
                m = MAPPER.readTree(dir().resolve("manifest.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            manifest = m;
        }
        return m;
    }

    /** Returns every vector's manifest entry. */
    public static List<JsonNode> all() {
        List<JsonNode> list = new ArrayList<>();
        manifest().get("vectors").forEach(list::add);
        return list;
    }

    /** Returns one vector's manifest entry. */
    public static JsonNode byName(String name) {
        return all().stream()
                .filter(v -> v.get("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no vector " + name));
    }

    /** Returns the replica URL of a vector ({@code file://} of its directory). */
    public static String url(JsonNode vector) {
        return "file://" + dir().resolve(vector.get("directory").asText());
    }

    /** Returns the hex SHA-256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A query and the answer litevfs must give: a JSON array of rows.
     *
     * @param sql the query
     * @param expected the rows
     * @param source where the answer comes from, for assertion messages
     */
    public record Expectation(String sql, JsonNode expected, String source) {}

    /**
     * Returns the answers litevfs must give at the latest state.
     *
     * <p>The rule: {@code PRAGMA integrity_check} is {@code ok} and {@code PRAGMA page_count} is the size of the
     * restored image (litevfs serves the state's true size, where the real extension serves a stale larger one,
     * pitfall P1); other queries give what plain SQLite gives on the restored image where the manifest records it
     * and that is not an error, else what the real extension gives (for {@code e_shrink_vacuum} the restored image
     * has a stale header that plain SQLite refuses, pitfall P2, while a VFS that reports the true size serves it).
     */
    public static List<Expectation> latestExpectations(JsonNode vector) {
        JsonNode latest = vector.get("latest");
        return expectations(
                vector,
                latest.get("queries"),
                latest.get("queries_on_restored_image_with_plain_sqlite"),
                latest.get("restored_image_bytes").asLong());
    }

    /**
     * Returns the answers litevfs must give at an intermediate state ({@code vector.intermediate[i]}), by the same
     * rule as {@link #latestExpectations}; empty if the state cannot be built.
     */
    public static List<Expectation> intermediateExpectations(JsonNode vector, JsonNode intermediate) {
        if (!intermediate.has("queries") || !intermediate.has("restored_db_bytes")) {
            return List.of();
        }
        return expectations(
                vector,
                intermediate.get("queries"),
                null,
                intermediate.get("restored_db_bytes").asLong());
    }

    private static List<Expectation> expectations(
            JsonNode vector, JsonNode real, JsonNode plainOnImage, long imageBytes) {
        int sqlitePageSize = vector.get("sqlite_page_size").asInt();
        List<Expectation> list = new ArrayList<>();
        for (JsonNode q : real) {
            String sql = q.get("sql").asText();
            String norm = sql.trim().toLowerCase(Locale.ROOT);
            if (norm.equals("pragma integrity_check")) {
                long pages = imageBytes / sqlitePageSize;
                if (onlyUnusedPagesWithin(q.get("result"), pages)) {
                    // The data itself has unused pages (c_pagesize_mismatch_pragma: SQLite's own header says 12
                    // pages, 3 of them padding), so every reader reports them.
                    list.add(new Expectation(sql, q.get("result"), "the data as written (pitfall P3)"));
                } else {
                    list.add(new Expectation(sql, normalized(List.of(List.of("ok"))), "a consistent database"));
                }
            } else if (norm.equals("pragma page_count")) {
                list.add(new Expectation(
                        sql, normalized(List.of(List.of(imageBytes / sqlitePageSize))), "restored image size"));
            } else {
                JsonNode plain = find(plainOnImage, sql);
                if (plain != null && !(plain.isTextual() && plain.asText().startsWith("ERROR"))) {
                    list.add(new Expectation(sql, plain, "plain SQLite on the restored image"));
                } else {
                    list.add(new Expectation(sql, q.get("result"), "the real Litestream VFS"));
                }
            }
        }
        return list;
    }

    /** Whether an integrity_check result lists only "Page N is never used" with every N within the size. */
    private static boolean onlyUnusedPagesWithin(JsonNode result, long pages) {
        if (!result.isArray() || result.size() != 1 || !result.get(0).isArray()) {
            return false;
        }
        String text = result.get(0).get(0).asText();
        if (text.equals("ok")) {
            return false;
        }
        boolean any = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("*** in database")) {
                continue;
            }
            java.util.regex.Matcher lm = UNUSED_PAGE.matcher(line);
            if (!lm.matches() || Long.parseLong(lm.group(1)) > pages) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /** Returns a value as the tree that parsing its JSON text gives (small integers as int nodes). */
    public static JsonNode normalized(Object value) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode find(JsonNode queries, String sql) {
        if (queries == null) {
            return null;
        }
        for (JsonNode q : queries) {
            if (q.get("sql").asText().equals(sql)) {
                return q.get("result");
            }
        }
        return null;
    }
}
