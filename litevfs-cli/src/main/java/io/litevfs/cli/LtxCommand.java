package io.litevfs.cli;

import io.litevfs.engine.internal.ltx.LtxDecoder;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.ltx.LtxTrailer;
import io.litevfs.engine.internal.ltx.PageIndex;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litevfs ltx dump|verify FILE...}. */
@Command(
        name = "ltx",
        mixinStandardHelpOptions = true,
        description = "Work with single LTX files.",
        subcommands = {LtxCommand.Dump.class, LtxCommand.Verify.class})
final class LtxCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: dump or verify");
    }

    /** Decodes a whole file, verifying structure and checksums. */
    record Decoded(LtxHeader header, PageIndex index, LtxTrailer trailer, long bytes) {}

    static Decoded decode(Path file) throws Exception {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                LtxDecoder decoder = new LtxDecoder(in, file.toString())) {
            LtxHeader header = decoder.header();
            byte[] page = new byte[header.pageSize()];
            while (decoder.readPage(page) != 0) {
                // pages are checked (size, order, checksum) as they stream by
            }
            return new Decoded(header, decoder.index(), decoder.trailer(), Files.size(file));
        }
    }

    @Command(
            name = "dump",
            mixinStandardHelpOptions = true,
            description = "Print the header, page frames, index and trailer of LTX files (verifying them).")
    static final class Dump implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--pages", description = "List every page frame (default: on).", negatable = true)
        boolean pages = true;

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (Path file : files) {
                Decoded d = decode(file);
                LtxHeader h = d.header();
                out.printf("file:        %s (%d bytes)%n", file, d.bytes());
                out.printf("flags:       0x%08x%s%n", h.flags(), h.noChecksum() ? " (no checksum)" : "");
                out.printf("page size:   %d%n", h.pageSize());
                out.printf("commit:      %d%n", h.commit());
                out.printf("min txid:    %s%n", h.minTxId());
                out.printf("max txid:    %s%n", h.maxTxId());
                out.printf("timestamp:   %s (%d)%n", h.timestampInstant(), h.timestamp());
                out.printf("pre-apply:   %016x%n", h.preApplyChecksum());
                out.printf(
                        "wal:         offset=%d size=%d salt1=%08x salt2=%08x%n",
                        h.walOffset(), h.walSize(), h.walSalt1(), h.walSalt2());
                out.printf("node id:     %d%n", h.nodeId());
                PageIndex index = d.index();
                out.printf("pages:       %d%s%n", index.size(), h.isSnapshot() ? " (snapshot)" : "");
                if (pages) {
                    for (int i = 0; i < index.size(); i++) {
                        out.printf(
                                "  page %-10d offset %-10d frame %d bytes%n",
                                index.pageNumber(i), index.offset(i), index.frameSize(i));
                    }
                }
                out.printf("post-apply:  %016x%n", d.trailer().postApplyChecksum());
                out.printf("checksum:    %016x (verified)%n", d.trailer().fileChecksum());
                out.println();
            }
            return 0;
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check the structure and checksums of LTX files; prints one line per file.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int failed = 0;
            for (Path file : files) {
                try {
                    Decoded d = decode(file);
                    out.printf(
                            "ok %s: TXID %s-%s, %d pages of %d bytes, commit %d%n",
                            file,
                            d.header().minTxId(),
                            d.header().maxTxId(),
                            d.index().size(),
                            d.header().pageSize(),
                            d.header().commit());
                } catch (Exception e) {
                    failed++;
                    err.println("litevfs: " + Errors.describe(e));
                }
            }
            if (failed > 0) {
                err.printf("litevfs: %d of %d files failed verification%n", failed, files.size());
                return 1;
            }
            return 0;
        }
    }
}
