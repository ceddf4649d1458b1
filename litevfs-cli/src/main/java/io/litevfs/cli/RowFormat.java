package io.litevfs.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.litevfs.engine.Row;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Writes rows as JSON (the CLI contract), CSV or an aligned table. */
enum RowFormat {
    JSON,
    CSV,
    TABLE;

    static RowFormat parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + s + "' (json, csv or table)");
        }
    }

    /** Streams rows to {@code out}; returns the number of rows. */
    long write(Iterable<Row> rows, PrintWriter out) {
        return switch (this) {
            case JSON -> json(rows, out);
            case CSV -> csv(rows, out);
            case TABLE -> table(rows, out);
        };
    }

    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    /** Exactly one JSON array of rows, each an array of values; blobs as {"blob":"<hex>"}. */
    static long json(Iterable<Row> rows, Writer out) {
        long n = 0;
        try {
            JsonGenerator g = JSON_FACTORY.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartArray();
            for (Row row : rows) {
                g.writeStartArray();
                for (int i = 0; i < row.size(); i++) {
                    Object v = row.get(i);
                    if (v == null) {
                        g.writeNull();
                    } else if (v instanceof Long l) {
                        g.writeNumber(l);
                    } else if (v instanceof Double d) {
                        if (d.isNaN() || d.isInfinite()) {
                            g.writeNull();
                        } else {
                            g.writeNumber(d);
                        }
                    } else if (v instanceof byte[] b) {
                        g.writeStartObject();
                        g.writeStringField("blob", HexFormat.of().formatHex(b));
                        g.writeEndObject();
                    } else {
                        g.writeString(v.toString());
                    }
                }
                g.writeEndArray();
                n++;
            }
            g.writeEndArray();
            g.flush();
            out.write(System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        return v.toString();
    }

    private static long csv(Iterable<Row> rows, PrintWriter out) {
        long n = 0;
        for (Row row : rows) {
            if (n == 0) {
                out.println(String.join(
                        ",", row.columns().stream().map(RowFormat::quote).toList()));
            }
            List<String> cells = new ArrayList<>(row.size());
            for (int i = 0; i < row.size(); i++) {
                cells.add(quote(text(row.get(i))));
            }
            out.println(String.join(",", cells));
            n++;
        }
        out.flush();
        return n;
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static long table(Iterable<Row> rows, PrintWriter out) {
        List<Row> all = new ArrayList<>();
        rows.forEach(all::add);
        if (all.isEmpty()) {
            out.println("(no rows)");
            out.flush();
            return 0;
        }
        List<String> columns = all.get(0).columns();
        int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = columns.get(i).length();
        }
        List<String[]> cells = new ArrayList<>();
        for (Row r : all) {
            String[] c = new String[width.length];
            for (int i = 0; i < width.length; i++) {
                Object v = r.get(i);
                c[i] = v == null ? "NULL" : text(v).replace('\n', ' ');
                width[i] = Math.max(width[i], Math.min(c[i].length(), 60));
            }
            cells.add(c);
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            line.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.println(pad(columns.toArray(String[]::new), width));
        out.println(line);
        for (String[] c : cells) {
            out.println(pad(c, width));
        }
        out.printf("(%d row%s)%n", all.size(), all.size() == 1 ? "" : "s");
        out.flush();
        return all.size();
    }

    private static String pad(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].length() > width[i] ? cells[i].substring(0, width[i] - 1) + "…" : cells[i];
            sb.append(i == 0 ? "" : " | ").append(c).append(" ".repeat(width[i] - c.length()));
        }
        return sb.toString().stripTrailing();
    }
}
