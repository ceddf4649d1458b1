package io.litevfs.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One result row, copied out of SQLite when it was stepped, so it stays valid after the query moves on.
 *
 * <p>Values are {@code Long} (INTEGER), {@code Double} (REAL), {@code String} (TEXT), {@code byte[]} (BLOB) or
 * {@code null}. Typed getters convert as SQLite would for the common cases and fail with a clear message
 * otherwise. Columns are numbered from 0.
 */
public final class Row {

    private final List<String> columns;
    private final @Nullable Object[] values;

    Row(List<String> columns, @Nullable Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    /** Returns the column names, in order. */
    public List<String> columns() {
        return columns;
    }

    /** Returns the number of columns. */
    public int size() {
        return values.length;
    }

    /** Returns a value in its natural type, or {@code null}. */
    public @Nullable Object get(int column) {
        return values[Objects.checkIndex(column, values.length)];
    }

    /** Returns a value by column name (the first column of that name, case-insensitive). */
    public @Nullable Object get(String column) {
        return get(indexOf(column));
    }

    /** Returns whether a value is NULL. */
    public boolean isNull(int column) {
        return get(column) == null;
    }

    /** Returns an INTEGER (or a REAL without fraction) as a long; NULL is an error. */
    public long getLong(int column) {
        Object v = get(column);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return d.longValue();
        }
        throw new IllegalStateException(describe(column, v) + " is not an integer");
    }

    /** Returns {@link #getLong(int)} by name. */
    public long getLong(String column) {
        return getLong(indexOf(column));
    }

    /** Returns a REAL or INTEGER as a double; NULL is an error. */
    public double getDouble(int column) {
        Object v = get(column);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalStateException(describe(column, v) + " is not a number");
    }

    /** Returns {@link #getDouble(int)} by name. */
    public double getDouble(String column) {
        return getDouble(indexOf(column));
    }

    /** Returns TEXT as is, numbers as text, NULL as {@code null}; a BLOB is an error. */
    public @Nullable String getString(int column) {
        Object v = get(column);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[]) {
            throw new IllegalStateException(describe(column, v) + " is a blob");
        }
        return String.valueOf(v);
    }

    /** Returns {@link #getString(int)} by name. */
    public @Nullable String getString(String column) {
        return getString(indexOf(column));
    }

    /** Returns a BLOB (a copy), TEXT as UTF-8 bytes, NULL as {@code null}. */
    public byte @Nullable [] getBlob(int column) {
        Object v = get(column);
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new IllegalStateException(describe(column, v) + " is not a blob");
    }

    /** Returns {@link #getBlob(int)} by name. */
    public byte @Nullable [] getBlob(String column) {
        return getBlob(indexOf(column));
    }

    private int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column '" + column + "' (columns: " + columns + ")");
    }

    private String describe(int column, @Nullable Object v) {
        return "column " + column + " (" + columns.get(column) + ") = "
                + (v instanceof byte[] b ? "blob of " + b.length + " bytes" : String.valueOf(v));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Row[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values[i];
            sb.append(columns.get(i))
                    .append('=')
                    .append(v instanceof byte[] b ? "blob(" + b.length + ")" : String.valueOf(v));
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.columns.equals(columns) && Arrays.deepEquals(r.values, values);
    }

    @Override
    public int hashCode() {
        return columns.hashCode() * 31 + Arrays.deepHashCode(values);
    }
}
