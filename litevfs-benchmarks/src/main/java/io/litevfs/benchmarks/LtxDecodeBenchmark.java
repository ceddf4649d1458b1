package io.litevfs.benchmarks;

import io.litevfs.engine.internal.ltx.LtxDecoder;
import io.litevfs.engine.internal.ltx.LtxEncoder;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.ltx.LtxPageFrames;
import io.litevfs.engine.internal.ltx.PageIndex;
import io.litevfs.ltx.TxId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the LTX codec on a generated snapshot of {@value #PAGES} SQLite-like 4 KiB pages: a mix of
 * B-tree-ish pages (cell text in the upper half, zeros below), sparse pages, and incompressible random pages
 * (BLOB overflow). Scores are pages per second (operations are pages).
 *
 * <ul>
 *   <li>{@code streamingDecode}: {@link LtxDecoder} over the whole file — LZ4 decompression, the CRC-64 file
 *       checksum over every decompressed page, and index/trailer verification;
 *   <li>{@code randomAccessFrame}: {@link LtxPageFrames#decodeFrame} of one frame chosen through the page index,
 *       as a VFS page read does after a ranged GET.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>{@code
 * mvn -q -pl litevfs-benchmarks -am package -DskipTests
 * java -jar litevfs-benchmarks/target/benchmarks.jar LtxDecode -f 1 -wi 2 -i 3 -w 2s -r 2s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LtxDecodeBenchmark {

    static final int PAGES = 2048;
    static final int PAGE_SIZE = 4096;

    /** Percentage of incompressible (random) pages. */
    @Param({"25"})
    public int randomPercent;

    private byte[] file;
    private PageIndex index;
    private final byte[] page = new byte[PAGE_SIZE];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom r = new SplittableRandom(2024);
        LtxHeader h = LtxHeader.checksumFree(PAGE_SIZE, PAGES, TxId.of(1), TxId.of(1), 1_700_000_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LtxEncoder e = new LtxEncoder(out, h)) {
            byte[] p = new byte[PAGE_SIZE];
            for (int pgno = 1; pgno <= PAGES; pgno++) {
                fill(p, pgno, r);
                e.writePage(pgno, p, 0);
            }
            e.finish(0);
            index = e.index();
        }
        file = out.toByteArray();
    }

    private void fill(byte[] p, int pgno, SplittableRandom r) {
        java.util.Arrays.fill(p, (byte) 0);
        int kind = r.nextInt(100);
        if (kind < randomPercent) {
            r.nextBytes(p);
        } else if (kind < randomPercent + 15) {
            p[0] = 0x0D; // a nearly empty leaf page
            p[7] = (byte) pgno;
        } else {
            p[0] = 0x0D; // leaf table B-tree page: cell pointers at the top, cells packed at the end
            int cells = 20 + r.nextInt(40);
            for (int c = 0; c < cells; c++) {
                p[8 + 2 * c] = (byte) r.nextInt(16);
                p[9 + 2 * c] = (byte) r.nextInt(256);
            }
            int at = PAGE_SIZE;
            int row = pgno * 100;
            while (at > 8 + 2 * cells + 64) {
                byte[] cell = ("\u0003" + row++ + "|customer-" + r.nextInt(100000) + "|"
                                + (r.nextBoolean() ? "active" : "closed") + "|" + r.nextLong())
                        .getBytes(StandardCharsets.US_ASCII);
                int n = Math.min(cell.length, at - (8 + 2 * cells + 64));
                at -= n;
                System.arraycopy(cell, 0, p, at, n);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long streamingDecode() throws IOException {
        try (LtxDecoder d = new LtxDecoder(new ByteArrayInputStream(file), "bench")) {
            d.header();
            long sum = 0;
            while (d.readPage(page) != 0) {
                sum += page[0];
            }
            return sum + d.trailer().fileChecksum();
        }
    }

    @Benchmark
    public void randomAccessFrame(Blackhole bh) throws IOException {
        int i = next;
        next = (next + 7919) % PAGES;
        long off = index.offset(i);
        ByteBuffer frame = ByteBuffer.wrap(file, (int) off, index.frameSize(i));
        LtxPageFrames.decodeFrame(frame, index.pageNumber(i), PAGE_SIZE, page, "bench", off);
        bh.consume(page);
    }
}
