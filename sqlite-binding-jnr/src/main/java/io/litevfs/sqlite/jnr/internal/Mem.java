package io.litevfs.sqlite.jnr.internal;

import com.kenai.jffi.MemoryIO;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Raw native memory access (jffi's {@link MemoryIO}) and UTF-8 C strings. */
public final class Mem {

    /** jffi's memory accessor. */
    public static final MemoryIO IO = MemoryIO.getInstance();

    private Mem() {}

    /** Returns {@code s} as NUL-terminated UTF-8, or {@code null} for {@code null}. */
    public static byte @Nullable [] cstrOrNull(@Nullable String s) {
        return s == null ? null : cstr(s);
    }

    /** Returns {@code s} as NUL-terminated UTF-8. */
    public static byte[] cstr(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, z, 0, utf8.length);
        return z;
    }

    /** Decodes a NUL-terminated UTF-8 string at {@code address}, or returns {@code null} for a NULL pointer. */
    public static @Nullable String string(long address) {
        if (address == 0) {
            return null;
        }
        return new String(IO.getZeroTerminatedByteArray(address), StandardCharsets.UTF_8);
    }

    /** Decodes {@code length} bytes of UTF-8 at {@code address}. */
    public static String string(long address, int length) {
        if (length <= 0) {
            return "";
        }
        byte[] b = new byte[length];
        IO.getByteArray(address, b, 0, length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Copies {@code length} bytes at {@code address} into a new array. */
    public static byte[] bytes(long address, int length) {
        byte[] b = new byte[Math.max(0, length)];
        if (length > 0) {
            IO.getByteArray(address, b, 0, length);
        }
        return b;
    }

    /**
     * Copies {@code s} into memory from {@code sqlite3_malloc64} (for strings SQLite frees with {@code
     * sqlite3_free}). Returns 0 if SQLite is out of memory.
     */
    public static long sqliteString(LibSqlite lib, String s) {
        byte[] z = cstr(s);
        long p = lib.sqlite3_malloc64(z.length);
        if (p != 0) {
            IO.putByteArray(p, z, 0, z.length);
        }
        return p;
    }
}
