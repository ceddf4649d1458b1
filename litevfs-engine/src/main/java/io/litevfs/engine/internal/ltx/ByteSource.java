package io.litevfs.engine.internal.ltx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Sequential reader shared by the streaming decoder (over an {@link java.io.InputStream}) and the random-access
 * frame decoder (over a {@link ByteBuffer}), so that both parse frames and varints with exactly the same code.
 *
 * <p>Every read that runs past the end of the data throws an {@link LtxFormatException} at the offset where the
 * missing item starts. Only the stream implementation can throw other {@link IOException}s (from the stream).
 */
abstract class ByteSource {

    final String source;

    ByteSource(String source) {
        this.source = source;
    }

    /** Absolute file offset of the next byte. */
    abstract long offset();

    /** Reads one byte (0..255). */
    abstract int readU8(String what) throws IOException;

    /** Reads exactly {@code len} bytes. */
    abstract void readFully(byte[] dst, int off, int len, String what) throws IOException;

    final LtxFormatException error(long offset, String problem) {
        return new LtxFormatException(source, offset, problem);
    }

    final int readIntLE(String what) throws IOException {
        byte[] b = new byte[4];
        readFully(b, 0, 4, what);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    /**
     * Reads an unsigned LEB128 varint as Go's {@code binary.Uvarint} does: at most 10 bytes, the 10th at most 1.
     * Returns the value as an unsigned 64-bit number.
     */
    final long readUvarint(String what) throws IOException {
        long start = offset();
        long x = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            int b = readU8(what);
            if (b < 0x80) {
                if (i == 9 && b > 1) {
                    throw error(start, "expected " + what + " as a varint, but it overflows 64 bits");
                }
                return x | (long) b << shift;
            }
            x |= (long) (b & 0x7F) << shift;
            shift += 7;
        }
        throw error(start, "expected " + what + " as a varint, but it is longer than 10 bytes");
    }

    /** A source over the remaining bytes of a buffer; the buffer's position advances as bytes are read. */
    static final class OfBuffer extends ByteSource {
        private final ByteBuffer buf;
        private final long baseOffset;
        private final int basePosition;

        OfBuffer(ByteBuffer buf, String source, long fileOffsetOfPosition) {
            super(source);
            this.buf = buf;
            this.baseOffset = fileOffsetOfPosition;
            this.basePosition = buf.position();
        }

        @Override
        long offset() {
            return baseOffset + (buf.position() - basePosition);
        }

        int remaining() {
            return buf.remaining();
        }

        @Override
        int readU8(String what) throws LtxFormatException {
            if (!buf.hasRemaining()) {
                throw error(offset(), "expected " + what + ", but the data ends here");
            }
            return buf.get() & 0xFF;
        }

        @Override
        void readFully(byte[] dst, int off, int len, String what) throws LtxFormatException {
            if (buf.remaining() < len) {
                throw error(
                        offset(),
                        String.format(
                                Locale.ROOT,
                                "expected %s (%d bytes), but only %d bytes remain",
                                what,
                                len,
                                buf.remaining()));
            }
            buf.get(dst, off, len);
        }
    }
}
