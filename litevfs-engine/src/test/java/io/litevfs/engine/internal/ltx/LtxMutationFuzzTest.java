package io.litevfs.engine.internal.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Deterministic mutation fuzzer over the seed files in {@code src/test/resources/fuzz/ltx}: bit flips, byte
 * overwrites, interesting values written over length/flag/count fields, truncations, splices of two seeds,
 * duplicated, removed and swapped frames, inserted garbage and huge declared lengths, stacked up to three deep.
 * Only {@link LtxFormatException} may escape the codec, and every input must be handled quickly.
 */
class LtxMutationFuzzTest {

    /** Fixed for reproducibility; override with -Dltx.fuzz.seed=... for longer local hunts. */
    private static final long SEED = Long.getLong("ltx.fuzz.seed", 0x17C0DECL);

    private static final int ITERATIONS = Integer.getInteger("ltx.fuzz.iterations", 6000);

    static Path seedDir() {
        return Paths.get("src/test/resources/fuzz/ltx").toAbsolutePath();
    }

    static List<byte[]> seeds() {
        try (Stream<Path> s = Files.list(seedDir())) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : s.filter(p -> !p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .toList()) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everySeedIsHandled() throws IOException {
        List<byte[]> seeds = seeds();
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(5);
        for (byte[] s : seeds) {
            LtxFuzzHarness.exercise(s);
        }
    }

    @Test
    void mutatedSeedsOnlyEverFailWithLtxFormatException() throws IOException {
        List<byte[]> seeds = seeds();
        List<PageIndex> indexes = new ArrayList<>();
        for (byte[] s : seeds) {
            indexes.add(indexOrNull(s));
        }
        SplittableRandom r = new SplittableRandom(SEED);
        int valid = 0;
        long slowestNanos = 0;
        for (int it = 0; it < ITERATIONS; it++) {
            int which = r.nextInt(seeds.size());
            byte[] data = seeds.get(which);
            int depth = 1 + r.nextInt(3);
            for (int d = 0; d < depth; d++) {
                data = mutate(data, indexes.get(which), seeds, r);
            }
            long t0 = System.nanoTime();
            try {
                if (LtxFuzzHarness.exercise(data) == LtxFuzzHarness.Outcome.VALID) {
                    valid++;
                }
            } catch (RuntimeException | Error | IOException e) {
                throw new AssertionError(
                        "iteration " + it + " (seed file #" + which + ", " + data.length + " bytes): " + e, e);
            }
            long took = System.nanoTime() - t0;
            slowestNanos = Math.max(slowestNanos, took);
            assertThat(took).as("iteration %d took too long", it).isLessThan(2_000_000_000L);
        }
        // Most mutations must be caught; a few are benign (inside LZ4 data, decoding to the same page).
        assertThat(valid).isLessThan(ITERATIONS / 4);
        assertThat(slowestNanos).isLessThan(2_000_000_000L);
    }

    private static PageIndex indexOrNull(byte[] s) {
        try {
            return LtxTestFiles.decode(s, "seed").index();
        } catch (IOException e) {
            return PageIndex.empty();
        }
    }

    private static final long[] INTERESTING = {
        0,
        1,
        2,
        0x7F,
        0x80,
        0xFF,
        0x100,
        511,
        512,
        4095,
        4096,
        4097,
        65535,
        65536,
        65537,
        0x7FFF_FFFFL,
        0x8000_0000L,
        0xFFFF_FFFFL,
        0x4000_0000L,
        262145,
        Long.MAX_VALUE,
        -1L,
        Long.MIN_VALUE
    };

    static byte[] mutate(byte[] in, PageIndex index, List<byte[]> seeds, SplittableRandom r) {
        if (in.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        byte[] b = in.clone();
        // Frame-level mutations use the seed's index; after a size-changing mutation it may no longer fit.
        if (index.size() > 0 && index.endOfFrames() > b.length) {
            index = PageIndex.empty();
        }
        switch (r.nextInt(12)) {
            case 0 -> { // bit flip
                int p = r.nextInt(b.length);
                b[p] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> { // random bytes
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 2 -> { // interesting value over a header field
                int[] fields = {4, 8, 12, 16, 24, 40, 48, 56, 64, 68};
                writeField(b, fields[r.nextInt(fields.length)], r);
            }
            case 3 -> { // interesting value over a page header / compressed length
                if (index.size() > 0) {
                    int i = r.nextInt(index.size());
                    int at = (int) index.offset(i) + new int[] {0, 4, 6}[r.nextInt(3)];
                    writeField(b, at, r);
                } else {
                    writeField(b, r.nextInt(b.length), r);
                }
            }
            case 4 -> { // index length field, trailer, or a huge declared index length
                int at = b.length - new int[] {24, 16, 8}[r.nextInt(3)];
                writeField(b, at, r);
            }
            case 5 -> { // truncation
                return Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 6 -> { // splice with another seed
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int a = r.nextInt(b.length + 1);
                int c = r.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, a + other.length - c);
                System.arraycopy(other, c, out, a, other.length - c);
                return out;
            }
            case 7 -> { // duplicate a frame
                if (index.size() > 0) {
                    int i = r.nextInt(index.size());
                    return insert(b, (int) index.offset(i), b, (int) index.offset(i), index.frameSize(i));
                }
            }
            case 8 -> { // remove a frame
                if (index.size() > 0) {
                    int i = r.nextInt(index.size());
                    int at = (int) index.offset(i);
                    int len = index.frameSize(i);
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    return out;
                }
            }
            case 9 -> { // swap two adjacent frames
                if (index.size() > 1) {
                    int i = r.nextInt(index.size() - 1);
                    int a = (int) index.offset(i);
                    int la = index.frameSize(i);
                    int lb = index.frameSize(i + 1);
                    byte[] fa = Arrays.copyOfRange(b, a, a + la);
                    System.arraycopy(b, a + la, b, a, lb);
                    System.arraycopy(fa, 0, b, a + lb, la);
                }
            }
            case 10 -> { // insert garbage
                byte[] g = new byte[1 + r.nextInt(16)];
                r.nextBytes(g);
                return insert(b, r.nextInt(b.length + 1), g, 0, g.length);
            }
            default -> { // huge declared lengths in legacy LZ4 block headers or current-encoding frames
                if (index.size() > 0) {
                    int i = r.nextInt(index.size());
                    int at = (int) index.offset(i);
                    if (at + 10 <= b.length && b[at + 5] == 1) {
                        ByteBuffer.wrap(b).putInt(at + 6, r.nextBoolean() ? 0x7FFF_FFFF : -1);
                    } else if (at + 17 <= b.length) {
                        ByteBuffer.wrap(b).putInt(at + 13, r.nextBoolean() ? 0x7FFF_FFFF : 0x00FF_FFFF);
                    }
                }
            }
        }
        return b;
    }

    private static void writeField(byte[] b, int at, SplittableRandom r) {
        long v = INTERESTING[r.nextInt(INTERESTING.length)];
        int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
        for (int i = 0; i < width && at + i < b.length; i++) {
            if (at + i < 0) {
                continue;
            }
            b[at + i] = (byte) (v >>> (8 * (width - 1 - i)));
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] src, int srcOff, int len) {
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(src, srcOff, out, at, len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
    }
}
