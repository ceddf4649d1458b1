package io.litevfs.engine.internal.ltx;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The fuzz target shared by {@link LtxMutationFuzzTest} and {@link LtxJazzerFuzzTest}: feeds arbitrary bytes to
 * every entry point of the codec — the streaming decoder, the tail-based index lookup, and random-access decoding
 * of every indexed frame — and lets only {@link LtxFormatException} through (which it swallows). Anything else
 * (an unchecked exception, an error, a plain IOException) escapes and fails the caller.
 */
final class LtxFuzzHarness {

    private LtxFuzzHarness() {}

    /** Result of one run, for statistics. */
    enum Outcome {
        VALID,
        REJECTED
    }

    static Outcome exercise(byte[] data) throws IOException {
        boolean streamedOk = stream(data);
        boolean randomOk = randomAccess(data);
        return streamedOk && randomOk ? Outcome.VALID : Outcome.REJECTED;
    }

    static boolean stream(byte[] data) throws IOException {
        try (LtxDecoder d = new LtxDecoder(new ByteArrayInputStream(data), "fuzz")) {
            LtxHeader h = d.header();
            byte[] page = new byte[h.pageSize()];
            int n = 0;
            while (d.readPage(page) != 0) {
                if (++n > data.length) {
                    throw new AssertionError("decoder returned more pages than the input has bytes");
                }
            }
            d.index();
            d.trailer();
            return true;
        } catch (LtxFormatException e) {
            checkException(e, data.length);
            return false;
        }
    }

    static boolean randomAccess(byte[] data) {
        try {
            if (data.length < PageIndex.MIN_FILE_SIZE) {
                try {
                    PageIndex.locate(ByteBuffer.wrap(data, 0, 0), data.length, "fuzz");
                    throw new AssertionError("locate accepted a file below the minimum size");
                } catch (LtxFormatException expected) {
                    checkException(expected, data.length);
                    return false;
                }
            }
            LtxHeader h = LtxHeader.decode(ByteBuffer.wrap(data), "fuzz");
            int tailLen = Math.min(data.length, 512);
            ByteBuffer tail =
                    ByteBuffer.wrap(data, data.length - tailLen, tailLen).slice();
            PageIndex.Location loc = PageIndex.locate(tail, data.length, "fuzz");
            PageIndex index = loc.isWithinTail(tailLen)
                    ? PageIndex.decodeFromTail(tail, data.length, "fuzz")
                    : PageIndex.decode(ByteBuffer.wrap(data, (int) loc.offset(), loc.length()), "fuzz", loc.offset());
            index.validateFor(h, "fuzz", loc.offset());
            LtxTrailer.decode(
                            ByteBuffer.wrap(data, (int) loc.trailerOffset(), LtxTrailer.SIZE),
                            "fuzz",
                            loc.trailerOffset())
                    .validateFor(h, "fuzz", loc.trailerOffset());
            byte[] page = new byte[h.pageSize()];
            for (int i = 0; i < index.size(); i++) {
                ByteBuffer frame = ByteBuffer.wrap(data, (int) index.offset(i), index.frameSize(i));
                LtxPageFrames.decodeFrame(frame, index.pageNumber(i), h.pageSize(), page, "fuzz", index.offset(i));
            }
            return true;
        } catch (LtxFormatException e) {
            checkException(e, data.length);
            return false;
        }
    }

    private static void checkException(LtxFormatException e, int length) {
        if (!"fuzz".equals(e.source()) || e.offset() < 0 || e.offset() > length) {
            throw new AssertionError("bad source/offset in " + e.getMessage(), e);
        }
        if (!e.getMessage().startsWith("fuzz: at offset " + e.offset() + ": ")) {
            throw new AssertionError("bad message format: " + e.getMessage(), e);
        }
    }
}
