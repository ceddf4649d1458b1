package io.litevfs.engine.internal.ltx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The interop vectors in {@code testdata/vectors} (system property {@code litevfs.vectors}) and their manifest. */
final class Vectors {

    private Vectors() {}

    /** One LTX file of the manifest. */
    record VectorFile(
            String vector,
            Path path,
            int level,
            long minTxId,
            long maxTxId,
            long size,
            int pageSize,
            int commit,
            int flags,
            long timestampMs,
            long preApplyChecksum,
            long postApplyChecksum,
            long fileChecksum,
            int pageCount,
            int[] pgnos,
            long indexOffset,
            int indexSize) {

        String name() {
            return vector + "/" + root().resolve(vector).relativize(path);
        }

        byte[] bytes() {
            try {
                return Files.readAllBytes(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static Path root() {
        String dir = System.getProperty("litevfs.vectors");
        if (dir == null) {
            dir = "../testdata/vectors";
        }
        return Paths.get(dir).toAbsolutePath().normalize();
    }

    private static volatile List<VectorFile> files;

    static List<VectorFile> files() {
        List<VectorFile> f = files;
        if (f == null) {
            f = load();
            files = f;
        }
        return f;
    }

    static Stream<VectorFile> smallFiles(int maxSize) {
        return files().stream().filter(f -> f.size() <= maxSize);
    }

    static VectorFile file(String vector, String relPath) {
        return files().stream()
                .filter(f -> f.vector().equals(vector)
                        && f.path().equals(root().resolve(vector).resolve(relPath)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no vector file " + vector + "/" + relPath));
    }

    private static List<VectorFile> load() {
        try {
            JsonNode m =
                    new ObjectMapper().readTree(root().resolve("manifest.json").toFile());
            List<VectorFile> out = new ArrayList<>();
            for (JsonNode v : m.get("vectors")) {
                String dir = v.get("directory").asText();
                for (JsonNode f : v.get("files")) {
                    out.add(new VectorFile(
                            v.get("name").asText(),
                            root().resolve(dir).resolve(f.get("path").asText()),
                            f.get("level").asInt(),
                            f.get("min_txid").asLong(),
                            f.get("max_txid").asLong(),
                            f.get("size").asLong(),
                            f.get("page_size").asInt(),
                            f.get("commit").asInt(),
                            f.get("flags").asInt(),
                            f.get("timestamp_ms").asLong(),
                            Long.parseUnsignedLong(f.get("pre_apply_checksum").asText(), 16),
                            Long.parseUnsignedLong(f.get("post_apply_checksum").asText(), 16),
                            Long.parseUnsignedLong(f.get("file_checksum").asText(), 16),
                            f.get("page_count").asInt(),
                            parsePgnos(f.get("pgnos").asText()),
                            f.get("index_offset").asLong(),
                            f.get("index_size").asInt()));
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses "1-3,5,7-9" (an empty string is no pages). */
    static int[] parsePgnos(String s) {
        List<Integer> out = new ArrayList<>();
        if (!s.isBlank()) {
            for (String part : s.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-');
                if (dash < 0) {
                    out.add(Integer.parseInt(p));
                } else {
                    int a = Integer.parseInt(p.substring(0, dash));
                    int b = Integer.parseInt(p.substring(dash + 1));
                    for (int i = a; i <= b; i++) {
                        out.add(i);
                    }
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** All LTX files under the vectors directory, found on disk (to catch files missing from the manifest). */
    static List<Path> ltxFilesOnDisk() {
        try (Stream<Path> s = Files.walk(root())) {
            return s.filter(p -> p.toString().endsWith(".ltx") && p.toString().contains("/ltx/"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
