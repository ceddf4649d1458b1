package io.litevfs.engine;

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

/** The interop vectors in {@code testdata/vectors} (written by the real Litestream) and their manifest. */
public final class Vectors {

    private Vectors() {}

    /** Returns the vectors directory, from the {@code litevfs.vectors} system property the build sets. */
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
        try {
            return new ObjectMapper().readTree(dir().resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns every vector's manifest entry. */
    public static List<JsonNode> all() {
        List<JsonNode> list = new ArrayList<>();
        manifest().get("vectors").forEach(list::add);
        return list;
    }

    /** Returns the replica URL of a vector. */
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
}
