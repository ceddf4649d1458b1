package io.litevfs.cli;

import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.Row;
import io.litevfs.engine.internal.vfs.ReplicaFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litevfs shell [--at TIME | --txid TXID] URL}: interactive SQL with line editing and history. */
@Command(
        name = "shell",
        mixinStandardHelpOptions = true,
        description = {
            "Interactive SQL on a replica through the litevfs VFS. End statements with ';'.",
            "Commands: .tables  .schema [TABLE]  .mode json|csv|table  .txid  .stats  .help  .quit",
            "On a terminal: line editing and history (~/.litevfs_history). With piped input: no prompts."
        })
final class ShellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false)
    TargetOptions target = new TargetOptions();

    @Option(names = "--history", paramLabel = "FILE", description = "History file (default ~/.litevfs_history).")
    Path history;

    @Parameters(index = "0", paramLabel = "REPLICA_URL")
    String url;

    /** Input and output for tests; {@code null} means the process's terminal. */
    static InputStream testInput;

    static OutputStream testOutput;

    private RowFormat mode = RowFormat.TABLE;

    @Override
    public Integer call() throws IOException {
        try (LiteDatabase db = LiteVfs.open(url).at(target.target())) {
            if (testInput == null && System.console() != null) {
                interactive(db);
            } else {
                // Piped input (or tests): no prompts, no line editing, no history, like the sqlite3 shell.
                PrintWriter out = testOutput != null
                        ? new PrintWriter(new java.io.OutputStreamWriter(testOutput, StandardCharsets.UTF_8), true)
                        : spec.commandLine().getOut();
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(testInput != null ? testInput : System.in, StandardCharsets.UTF_8));
                repl(db, out, prompt -> in.readLine());
            }
            return 0;
        }
    }

    /** Reads one line; {@code null} at the end of input. */
    @FunctionalInterface
    private interface LineSource {
        String read(String prompt) throws IOException;
    }

    private void interactive(LiteDatabase db) throws IOException {
        Path historyFile = history != null ? history : Path.of(System.getProperty("user.home"), ".litevfs_history");
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("litevfs")
                    .variable(LineReader.HISTORY_FILE, historyFile)
                    .build();
            PrintWriter out = terminal.writer();
            out.println("litevfs shell on " + ReplicaFiles.redact(url)
                    + " (read-only). End statements with ';', .help for commands.");
            repl(db, out, prompt -> {
                try {
                    return reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    return "";
                } catch (EndOfFileException e) {
                    return null;
                }
            });
            reader.getHistory().save();
        }
    }

    private void repl(LiteDatabase db, PrintWriter out, LineSource lines) throws IOException {
        StringBuilder statement = new StringBuilder();
        String line;
        while ((line = lines.read(statement.length() == 0 ? "litevfs> " : "    ...> ")) != null) {
            if (statement.length() == 0 && line.strip().startsWith(".")) {
                if (!dotCommand(line.strip(), db, out)) {
                    break;
                }
                continue;
            }
            statement.append(line).append('\n');
            if (isComplete(statement)) {
                run(db, statement.toString().strip(), out);
                statement.setLength(0);
            }
        }
        if (!statement.toString().isBlank()) {
            run(db, statement.toString().strip(), out);
        }
        out.flush();
    }

    /** Returns false to quit. */
    private boolean dotCommand(String line, LiteDatabase db, PrintWriter out) {
        String[] words = line.split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case ".quit", ".exit" -> {
                return false;
            }
            case ".help" -> {
                out.println(".tables              list tables and views");
                out.println(".schema [TABLE]      show CREATE statements");
                out.println(
                        ".mode json|csv|table output format (now " + mode.name().toLowerCase(Locale.ROOT) + ")");
                out.println(".txid                the TXID this shell reads");
                out.println(".stats               storage requests, bytes and cache hits of this session");
                out.println(".quit                leave");
            }
            case ".tables" -> run(
                    db,
                    "SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'"
                            + " ORDER BY name",
                    out);
            case ".schema" -> {
                String sql = words.length > 1
                        ? "SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL AND tbl_name = '"
                                + words[1].replace("'", "''") + "' ORDER BY type DESC, name"
                        : "SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY tbl_name, type DESC,"
                                + " name";
                try {
                    for (Row r : db.query(sql).toIterable()) {
                        out.println(r.getString(0));
                    }
                } catch (RuntimeException e) {
                    out.println("Error: " + Errors.describe(e));
                }
            }
            case ".mode" -> {
                if (words.length < 2) {
                    out.println(mode.name().toLowerCase(Locale.ROOT));
                } else {
                    try {
                        mode = RowFormat.parse(words[1]);
                    } catch (IllegalArgumentException e) {
                        out.println("Error: " + e.getMessage());
                    }
                }
            }
            case ".txid" -> run(db, "SELECT litevfs_txid()", out);
            case ".stats" -> run(db, "PRAGMA litevfs_stats", out);
            default -> out.println("Error: unknown command " + words[0] + " (try .help)");
        }
        out.flush();
        return true;
    }

    private void run(LiteDatabase db, String sql, PrintWriter out) {
        try {
            List<Row> rows = db.query(sql).collectList().block();
            if (rows != null && (!rows.isEmpty() || mode != RowFormat.TABLE)) {
                mode.write(rows, out);
            }
        } catch (RuntimeException e) {
            out.println("Error: " + Errors.describe(e));
        }
        out.flush();
    }

    /** Whether the text ends with a ';' outside quotes and comments. */
    static boolean isComplete(CharSequence sql) {
        char quote = 0;
        boolean lineComment = false;
        boolean blockComment = false;
        boolean complete = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
            if (lineComment) {
                lineComment = c != '\n';
            } else if (blockComment) {
                if (c == '*' && next == '/') {
                    blockComment = false;
                    i++;
                }
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
                quote = c == '[' ? ']' : c;
                complete = false;
            } else if (c == '-' && next == '-') {
                lineComment = true;
            } else if (c == '/' && next == '*') {
                blockComment = true;
                i++;
            } else if (c == ';') {
                complete = true;
            } else if (!Character.isWhitespace(c)) {
                complete = false;
            }
        }
        return complete && quote == 0 && !blockComment;
    }
}
