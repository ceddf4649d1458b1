package io.litevfs.engine.internal.ltx;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * CRC-64/GO-ISO, the checksum of every LTX checksum field: Go's {@code hash/crc64} with the {@code crc64.ISO}
 * table (polynomial x^64 + x^4 + x^3 + x + 1, reflected {@code 0xD800000000000000}, reflected input and output,
 * initial value and final XOR {@code ~0}).
 *
 * <p>Check values: {@code "123456789"} gives {@code 0xB90956C775A41001}, {@code "a"} gives
 * {@code 0x3420000000000000}, the empty input gives 0. Stored LTX checksums are always {@code CHECKSUM_FLAG | crc}
 * so that a real checksum is never 0.
 *
 * <p>The implementation is slicing-by-8 (the same tables Go builds), about 8x faster than the byte-wise loop.
 * Instances are mutable and not thread-safe.
 */
public final class Crc64 {

    /** Bit 63, set in every stored LTX checksum. */
    public static final long CHECKSUM_FLAG = 0x8000000000000000L;

    private static final long POLY_REFLECTED = 0xD800000000000000L;

    /** Eight 256-entry tables, flattened: table k lives at [k * 256, k * 256 + 256). */
    private static final long[] TABLES = buildTables();

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The running CRC register (already inverted, as in Go's {@code update}). */
    private long crc = ~0L;

    /** Creates a CRC over the empty input. */
    public Crc64() {}

    private static long[] buildTables() {
        long[] t = new long[8 * 256];
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            t[i] = c;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = t[(k - 1) * 256 + i];
                t[k * 256 + i] = (prev >>> 8) ^ t[(int) (prev & 0xFF)];
            }
        }
        return t;
    }

    /**
     * Adds {@code len} bytes of {@code b} starting at {@code off}.
     *
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    public void update(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        long c = crc;
        long[] t = TABLES;
        int end = off + len;
        while (end - off >= 8) {
            c ^= (long) LONG_LE.get(b, off);
            c = t[7 * 256 + (int) (c & 0xFF)]
                    ^ t[6 * 256 + (int) ((c >>> 8) & 0xFF)]
                    ^ t[5 * 256 + (int) ((c >>> 16) & 0xFF)]
                    ^ t[4 * 256 + (int) ((c >>> 24) & 0xFF)]
                    ^ t[3 * 256 + (int) ((c >>> 32) & 0xFF)]
                    ^ t[2 * 256 + (int) ((c >>> 40) & 0xFF)]
                    ^ t[256 + (int) ((c >>> 48) & 0xFF)]
                    ^ t[(int) (c >>> 56)];
            off += 8;
        }
        while (off < end) {
            c = t[(int) ((c ^ b[off++]) & 0xFF)] ^ (c >>> 8);
        }
        crc = c;
    }

    /** Adds all of {@code b}. */
    public void update(byte[] b) {
        update(b, 0, b.length);
    }

    /** Adds one byte (the low 8 bits of {@code b}). */
    public void update(int b) {
        crc = TABLES[(int) ((crc ^ b) & 0xFF)] ^ (crc >>> 8);
    }

    /** Adds the remaining bytes of {@code b}, advancing its position to its limit. */
    public void update(ByteBuffer b) {
        if (b.hasArray()) {
            update(b.array(), b.arrayOffset() + b.position(), b.remaining());
            b.position(b.limit());
            return;
        }
        byte[] chunk = new byte[Math.min(b.remaining(), 8192)];
        while (b.hasRemaining()) {
            int n = Math.min(chunk.length, b.remaining());
            b.get(chunk, 0, n);
            update(chunk, 0, n);
        }
    }

    /** Returns the CRC of everything added so far (without {@link #CHECKSUM_FLAG}). */
    public long value() {
        return ~crc;
    }

    /** Returns {@code CHECKSUM_FLAG | value()}, the form stored in LTX files. */
    public long flaggedValue() {
        return CHECKSUM_FLAG | ~crc;
    }

    /** Forgets everything added so far. */
    public void reset() {
        crc = ~0L;
    }

    /** Returns the CRC of {@code b}. */
    public static long of(byte[] b) {
        Crc64 c = new Crc64();
        c.update(b, 0, b.length);
        return c.value();
    }

    /**
     * Returns the LTX page checksum {@code CHECKSUM_FLAG | CRC64(u32be(pgno) ‖ page)} (spec A.6.2). The database
     * checksum is {@code CHECKSUM_FLAG | XOR of the page checksums of pages 1..commit except the lock page}.
     */
    public static long pageChecksum(int pgno, byte[] page, int off, int len) {
        Crc64 c = new Crc64();
        c.update(pgno >>> 24);
        c.update(pgno >>> 16);
        c.update(pgno >>> 8);
        c.update(pgno);
        c.update(page, off, len);
        return c.flaggedValue();
    }
}
