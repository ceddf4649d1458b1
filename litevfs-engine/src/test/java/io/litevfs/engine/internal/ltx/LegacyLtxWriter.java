package io.litevfs.engine.internal.ltx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Test-only writer of the legacy encoding (page flags 0, one LZ4 frame per page), with selectable LZ4 frame
 * options, so that the legacy parser can be tested beyond what the Go writer emits.
 */
final class LegacyLtxWriter {

    private LegacyLtxWriter() {}

    static byte[] lz4Frame(byte[] page, boolean contentSize, boolean blockChecksum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<LZ4FrameOutputStream.FLG.Bits> bits = new ArrayList<>();
            bits.add(LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
            bits.add(LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
            if (contentSize) {
                bits.add(LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE);
            }
            if (blockChecksum) {
                bits.add(LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM);
            }
            try (LZ4FrameOutputStream f = new LZ4FrameOutputStream(
                    out,
                    LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                    contentSize ? page.length : -1L,
                    bits.toArray(new LZ4FrameOutputStream.FLG.Bits[0]))) {
                f.write(page);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a whole file from ready-made frame payloads (what follows each 6-byte page header). */
    static byte[] file(LtxHeader h, int[] pgnos, byte[][] pages, byte[][] payloads, int[] flags, long postApply) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Crc64 crc = new Crc64();
        byte[] hdr = h.encode();
        out.writeBytes(hdr);
        crc.update(hdr);
        int[] offs = new int[pgnos.length];
        int[] sizes = new int[pgnos.length];
        for (int i = 0; i < pgnos.length; i++) {
            offs[i] = out.size();
            byte[] ph = ByteBuffer.allocate(6)
                    .putInt(pgnos[i])
                    .putShort((short) flags[i])
                    .array();
            out.writeBytes(ph);
            crc.update(ph);
            if (flags[i] == 1) {
                crc.update(payloads[i], 0, 4);
            }
            crc.update(pages[i]);
            out.writeBytes(payloads[i]);
            sizes[i] = out.size() - offs[i];
        }
        byte[] marker = new byte[6];
        out.writeBytes(marker);
        crc.update(marker);
        long[] lo = new long[pgnos.length];
        for (int i = 0; i < lo.length; i++) {
            lo[i] = offs[i];
        }
        byte[] idx = new PageIndex(pgnos.clone(), lo, sizes, pgnos.length).encode();
        out.writeBytes(idx);
        crc.update(idx);
        byte[] post = ByteBuffer.allocate(8).putLong(postApply).array();
        crc.update(post);
        out.writeBytes(post);
        out.writeBytes(ByteBuffer.allocate(8).putLong(crc.flaggedValue()).array());
        return out.toByteArray();
    }
}
