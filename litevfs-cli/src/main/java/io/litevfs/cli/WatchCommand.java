package io.litevfs.cli;

import io.litevfs.engine.DbVersion;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.ReplicaEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;

/** {@code litevfs watch [--count N] URL}: one JSON object per applied version. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Follow a replica and print one JSON object per new version: {\"txid\":\"…\",\"timestamp\":\"…\",\"pages\":N}.",
            "Polls level 0 every poll interval (URL option poll-interval=, default 1s). On stderr: the TXID watching"
                    + " starts from, failed polls and recoveries from compacted-away level-0 files; watching goes on."
        })
final class WatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N versions.")
    Long count;

    @Parameters(index = "0", paramLabel = "REPLICA_URL")
    String url;

    @Override
    public Integer call() {
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LiteDatabase db = LiteVfs.open(url)) {
            // Fail fast on a replica that cannot be read at all, before waiting for versions.
            var start = db.txId().block(Duration.ofMinutes(2));
            Disposable events = db.events()
                    .filter(e -> e.type() != ReplicaEvent.Type.VERSION)
                    .subscribe(e -> {
                        synchronized (err) {
                            err.println("litevfs: " + e.message());
                            err.flush();
                        }
                    });
            try {
                var versions = db.versions()
                        .doOnSubscribe(sub -> {
                            synchronized (err) {
                                // Tells people and scripts from which state on versions are reported.
                                err.println(
                                        "litevfs: watching " + io.litevfs.engine.internal.vfs.ReplicaFiles.redact(url)
                                                + " from TXID " + start);
                                err.flush();
                            }
                        })
                        .doOnNext(v -> print(out, v));
                if (count != null) {
                    versions.take(count).blockLast();
                } else {
                    versions.blockLast();
                }
            } finally {
                events.dispose();
            }
            return 0;
        }
    }

    private static void print(PrintWriter out, DbVersion v) {
        synchronized (out) {
            out.println(v.toJson());
            out.flush();
        }
    }
}
