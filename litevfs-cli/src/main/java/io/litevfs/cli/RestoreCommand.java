package io.litevfs.cli;

import io.litevfs.engine.Replica;
import io.litevfs.engine.RestoreResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litevfs restore [--at TIME | --txid TXID] [--force] URL OUT_DB}. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restore a state of a replica to a plain SQLite database file.")
final class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false)
    TargetOptions target = new TargetOptions();

    @Option(names = "--force", description = "Replace OUT_DB (and its -wal, -shm, -journal) if it exists.")
    boolean force;

    @Parameters(index = "0", paramLabel = "REPLICA_URL")
    String url;

    @Parameters(index = "1", paramLabel = "OUT_DB")
    Path output;

    @Override
    public Integer call() {
        try (Replica replica = Replica.open(url)) {
            RestoreResult r = replica.restore(target.target(), output, force).block();
            spec.commandLine()
                    .getOut()
                    .printf(
                            "restored TXID %s (%d LTX files) to %s: %d pages of %d bytes%n",
                            r.plan().txId(), r.plan().files().size(), r.output(), r.pageCount(), r.pageSize());
            return 0;
        }
    }
}
