package io.litevfs.cli;

import io.litevfs.engine.ImportResult;
import io.litevfs.engine.Replica;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litevfs import LOCAL_DB URL}. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Upload a local SQLite database as a snapshot LTX file at the next TXID (TXID 1 for an empty replica).",
            "The database is read under SQLite's shared lock; a non-empty -wal or a -journal file is refused."
        })
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOCAL_DB")
    Path database;

    @Parameters(index = "1", paramLabel = "REPLICA_URL")
    String url;

    @Override
    public Integer call() {
        try (Replica replica = Replica.open(url)) {
            ImportResult r = replica.importDatabase(database).block();
            spec.commandLine()
                    .getOut()
                    .printf(
                            "imported %s (%d pages of %d bytes) as TXID %s: %s%n",
                            r.source(),
                            r.pageCount(),
                            r.pageSize(),
                            r.file().maxTxId(),
                            r.file().describe());
            return 0;
        }
    }
}
