package io.litevfs.engine.internal.ltx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the codec tests: whole-file decode into memory, and encoding pages. */
final class LtxTestFiles {

    private LtxTestFiles() {}

    /** A fully decoded file. */
    record Decoded(LtxHeader header, List<Integer> pgnos, List<byte[]> pages, PageIndex index, LtxTrailer trailer) {}

    static Decoded decode(byte[] file, String source) throws IOException {
        try (LtxDecoder d = new LtxDecoder(new ByteArrayInputStream(file), source)) {
            LtxHeader h = d.header();
            List<Integer> pgnos = new ArrayList<>();
            List<byte[]> pages = new ArrayList<>();
            while (true) {
                byte[] page = new byte[h.pageSize()];
                int pgno = d.readPage(page);
                if (pgno == 0) {
                    break;
                }
                pgnos.add(pgno);
                pages.add(page);
            }
            return new Decoded(h, pgnos, pages, d.index(), d.trailer());
        }
    }

    static byte[] encode(LtxHeader header, List<Integer> pgnos, List<byte[]> pages, long postApply) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (LtxEncoder e = new LtxEncoder(out, header)) {
                for (int i = 0; i < pgnos.size(); i++) {
                    e.writePage(pgnos.get(i), pages.get(i), 0);
                }
                e.finish(postApply);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
