package io.litevfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code litevfs ltx verify}: accepts every vector file, rejects damaged copies precisely. */
class LtxVerifyTest {

    @TempDir
    Path tmp;

    static List<Path> vectorFiles() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(System.getProperty("litevfs.vectors")))) {
            return s.filter(p -> p.toString().endsWith(".ltx")).sorted().toList();
        }
    }

    @Test
    void verify_everyVectorFile_ok() throws IOException {
        List<String> args = new ArrayList<>(List.of("ltx", "verify"));
        vectorFiles().forEach(p -> args.add(p.toString()));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out().lines()).hasSize(vectorFiles().size()).allMatch(l -> l.startsWith("ok "));
    }

    @Test
    void verify_flippedByte_isRejectedWithFileAndOffset() throws IOException {
        Path original = Path.of(System.getProperty("litevfs.vectors"))
                .resolve("b_many_tx/ltx/0/0000000000000002-0000000000000002.ltx");
        byte[] bytes = Files.readAllBytes(original);
        // One flip in the header, one inside a compressed page, one in the index, one in the trailer.
        for (int offset : new int[] {5, 150, bytes.length - 20, bytes.length - 3}) {
            byte[] copy = bytes.clone();
            copy[offset] ^= 0x10;
            Path damaged = tmp.resolve("flip-" + offset + ".ltx");
            Files.write(damaged, copy);
            Cli.Result r = Cli.run("ltx", "verify", damaged.toString());
            assertThat(r.status()).as("flip at %d: %s", offset, r).isEqualTo(1);
            assertThat(r.err())
                    .as("flip at %d", offset)
                    .contains(damaged.toString())
                    .containsPattern("offset \\d+");
        }
    }

    @Test
    void verify_truncation_isRejected() throws IOException {
        Path original = Path.of(System.getProperty("litevfs.vectors"))
                .resolve("a_single_tx/ltx/0/0000000000000001-0000000000000001.ltx");
        byte[] bytes = Files.readAllBytes(original);
        for (int len : new int[] {0, 50, 99, 100, 300, bytes.length - 17, bytes.length - 1}) {
            Path damaged = tmp.resolve("trunc-" + len + ".ltx");
            Files.write(damaged, java.util.Arrays.copyOf(bytes, len));
            Cli.Result r = Cli.run("ltx", "verify", damaged.toString());
            assertThat(r.status()).as("truncated to %d: %s", len, r).isEqualTo(1);
            assertThat(r.err()).as("truncated to %d", len).contains(damaged.toString());
        }
    }
}
