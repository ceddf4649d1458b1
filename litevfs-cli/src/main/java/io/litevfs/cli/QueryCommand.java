package io.litevfs.cli;

import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.Row;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litevfs query [--at TIME | --txid TXID] [--format json|csv|table] URL SQL}. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Run one SQL statement on a replica through the litevfs VFS (page by page, nothing restored) and print"
                    + " its rows.",
            "json: one JSON array of rows, each an array of values (blobs as {\"blob\":\"<hex>\"})."
        })
final class QueryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false)
    TargetOptions target = new TargetOptions();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "json",
            description = "json (default), csv or table.")
    String format;

    @Parameters(index = "0", paramLabel = "REPLICA_URL")
    String url;

    @Parameters(index = "1", paramLabel = "SQL")
    String sql;

    @Override
    public Integer call() {
        RowFormat fmt = RowFormat.parse(format);
        LiteDatabase db = LiteVfs.open(url).at(target.target());
        try {
            PrintWriter out = spec.commandLine().getOut();
            Iterable<Row> rows = db.query(sql).toIterable(64);
            fmt.write(rows, out);
            return 0;
        } finally {
            db.close();
        }
    }
}
