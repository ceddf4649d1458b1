package io.litevfs.sqlite.jnr;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import io.litevfs.sqlite.SqliteVfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A test-only VFS: named files live in a heap map (growable byte[]), anonymous files are private heap files, and
 * names registered with {@link #mapDisk} are served read-only from a FileChannel. Hooks inject faults.
 */
final class TestVfs implements SqliteVfs {

    /** Decides whether a read fails: return a throwable to throw, or null. */
    interface ReadFault {
        @Nullable
        Throwable check(@Nullable String name, long offset);
    }

    record OpenRecord(@Nullable String name, int flags, Map<String, String> uri) {}

    private final String name;
    final Map<String, HeapData> files = new ConcurrentHashMap<>();
    final Map<String, Path> disk = new ConcurrentHashMap<>();
    final List<OpenRecord> opens = new CopyOnWriteArrayList<>();
    final List<String> uriKeys = new CopyOnWriteArrayList<>();
    final AtomicInteger openFiles = new AtomicInteger();
    final AtomicLong reads = new AtomicLong();
    final List<Thread> callbackThreads = new CopyOnWriteArrayList<>();
    volatile @Nullable UriParameters lastUri;
    volatile @Nullable ReadFault readFault;
    volatile @Nullable SqliteException lockFault;
    /** Names whose short reads fill SQLite's buffer with 0xAA before reporting the short read. */
    final List<String> garbageOnShortRead = new CopyOnWriteArrayList<>();

    volatile boolean recordThreads;
    /** Method name ("write", "sync", ...) that throws {@link #failure}; file methods of named files only. */
    volatile @Nullable String failing;

    volatile @Nullable String failingFile;

    RuntimeException failure = new IllegalStateException("injected failure");

    void maybeFail(String method, @Nullable String file) {
        if (method.equals(failing) && (failingFile == null || failingFile.equals(file))) {
            throw failure;
        }
    }

    TestVfs(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    void mapDisk(String name, Path path) {
        disk.put(name, path);
    }

    @Override
    public SqliteFile open(@Nullable String name, int flags, UriParameters uri) throws SqliteException {
        maybeFail("open", name);
        Map<String, String> seen = new ConcurrentHashMap<>();
        for (String k : uriKeys) {
            String v = uri.get(k);
            if (v != null) {
                seen.put(k, v);
            }
        }
        lastUri = uri;
        opens.add(new OpenRecord(name, flags, seen));
        SqliteFile f;
        if (name != null && disk.containsKey(name)) {
            f = new ChannelFile(name, disk.get(name));
        } else {
            HeapData data;
            if (name == null) {
                data = new HeapData();
            } else if ((flags & SqliteCodes.OPEN_CREATE) != 0) {
                data = files.computeIfAbsent(name, n -> new HeapData());
            } else {
                data = files.get(name);
                if (data == null) {
                    throw new SqliteException(SqliteCodes.CANTOPEN, "no such heap file: " + name);
                }
            }
            boolean deleteOnClose = name != null && (flags & SqliteCodes.OPEN_DELETEONCLOSE) != 0;
            f = new HeapFile(name, data, deleteOnClose);
        }
        openFiles.incrementAndGet();
        return f;
    }

    @Override
    public void delete(String name, boolean syncDirectory) {
        maybeFail("delete", name);
        files.remove(name);
    }

    @Override
    public boolean access(String name, int flags) {
        maybeFail("access", name);
        if (disk.containsKey(name)) {
            return flags != SqliteCodes.ACCESS_READWRITE;
        }
        HeapData d = files.get(name);
        return d != null && d.size() > 0;
    }

    /** Shared contents of a heap file. */
    static final class HeapData {
        private byte[] bytes = new byte[0];
        private int size;

        synchronized int size() {
            return size;
        }

        synchronized byte[] snapshot() {
            return Arrays.copyOf(bytes, size);
        }

        synchronized void set(byte[] content) {
            bytes = content.clone();
            size = content.length;
        }

        synchronized boolean read(long offset, ByteBuffer dst, boolean garbage) {
            int want = dst.remaining();
            int avail = (int) Math.max(0, Math.min(want, size - offset));
            if (avail == want) {
                dst.put(bytes, (int) offset, want);
                return true;
            }
            if (garbage) {
                for (int i = dst.position(); i < dst.limit(); i++) {
                    dst.put(i, (byte) 0xAA);
                }
            }
            if (avail > 0) {
                dst.put(bytes, (int) offset, avail);
            }
            return false;
        }

        synchronized void write(long offset, ByteBuffer src) {
            int n = src.remaining();
            int end = Math.toIntExact(offset + n);
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
            }
            src.get(bytes, (int) offset, n);
            size = Math.max(size, end);
        }

        synchronized void truncate(long newSize) {
            if (newSize < size) {
                Arrays.fill(bytes, (int) newSize, size, (byte) 0);
                size = (int) newSize;
            }
        }
    }

    private void track() {
        if (recordThreads) {
            callbackThreads.add(Thread.currentThread());
        }
    }

    final class HeapFile implements SqliteFile {
        private final @Nullable String name;
        private final HeapData data;
        private final boolean deleteOnClose;
        private int lock;

        HeapFile(@Nullable String name, HeapData data, boolean deleteOnClose) {
            this.name = name;
            this.data = data;
            this.deleteOnClose = deleteOnClose;
        }

        @Override
        public boolean read(long offset, ByteBuffer dst) throws SqliteException {
            reads.incrementAndGet();
            track();
            ReadFault fault = readFault;
            if (fault != null) {
                Throwable t = fault.check(name, offset);
                if (t instanceof SqliteException se) {
                    throw se;
                }
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                if (t != null) {
                    throw new UncheckedIOException((IOException) t);
                }
            }
            return data.read(offset, dst, name != null && garbageOnShortRead.contains(name));
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            maybeFail("write", name);
            data.write(offset, src);
        }

        @Override
        public void truncate(long size) {
            maybeFail("truncate", name);
            data.truncate(size);
        }

        @Override
        public void sync(int flags) {
            maybeFail("sync", name);
        }

        @Override
        public long size() {
            maybeFail("size", name);
            return data.size();
        }

        @Override
        public void lock(int level) throws SqliteException {
            SqliteException f = lockFault;
            if (f != null) {
                throw f;
            }
            maybeFail("lock", name);
            lock = level;
        }

        @Override
        public void unlock(int level) {
            maybeFail("unlock", name);
            lock = level;
        }

        @Override
        public boolean checkReservedLock() {
            maybeFail("checkReservedLock", name);
            return false;
        }

        @Override
        public @Nullable PragmaResult pragma(String pragma, @Nullable String value) throws SqliteException {
            return TestVfs.pragma(pragma, value, this);
        }

        @Override
        public int deviceCharacteristics() {
            return SqliteCodes.IOCAP_ATOMIC
                    | SqliteCodes.IOCAP_SAFE_APPEND
                    | SqliteCodes.IOCAP_SEQUENTIAL
                    | SqliteCodes.IOCAP_POWERSAFE_OVERWRITE;
        }

        @Override
        public void close() {
            openFiles.decrementAndGet();
            maybeFail("close", name);
            if (deleteOnClose && name != null) {
                files.remove(name);
            }
        }

        @Override
        public String toString() {
            return "HeapFile[" + name + ", lock " + lock + "]";
        }
    }

    final class ChannelFile implements SqliteFile {
        private final String name;
        private final FileChannel channel;

        ChannelFile(String name, Path path) throws SqliteException {
            this.name = name;
            try {
                this.channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new SqliteException(SqliteCodes.CANTOPEN, "cannot open " + path, e);
            }
        }

        @Override
        public boolean read(long offset, ByteBuffer dst) throws SqliteException {
            reads.incrementAndGet();
            track();
            ReadFault fault = readFault;
            if (fault != null && fault.check(name, offset) instanceof RuntimeException re) {
                throw re;
            }
            try {
                long pos = offset;
                while (dst.hasRemaining()) {
                    int n = channel.read(dst, pos);
                    if (n < 0) {
                        return false;
                    }
                    pos += n;
                }
                return true;
            } catch (IOException e) {
                throw new SqliteException(SqliteCodes.IOERR_READ, "read " + name + " at " + offset, e);
            }
        }

        @Override
        public void write(long offset, ByteBuffer src) throws SqliteException {
            throw new SqliteException(SqliteCodes.READONLY, name + " is read-only");
        }

        @Override
        public void truncate(long size) throws SqliteException {
            throw new SqliteException(SqliteCodes.READONLY, name + " is read-only");
        }

        @Override
        public void sync(int flags) {}

        @Override
        public long size() throws SqliteException {
            try {
                return channel.size();
            } catch (IOException e) {
                throw new SqliteException(SqliteCodes.IOERR_FSTAT, "size of " + name, e);
            }
        }

        @Override
        public void lock(int level) {}

        @Override
        public void unlock(int level) {}

        @Override
        public boolean checkReservedLock() {
            return false;
        }

        @Override
        public @Nullable PragmaResult pragma(String pragma, @Nullable String value) throws SqliteException {
            return TestVfs.pragma(pragma, value, this);
        }

        @Override
        public void close() throws SqliteException {
            openFiles.decrementAndGet();
            try {
                channel.close();
            } catch (IOException e) {
                throw new SqliteException(SqliteCodes.IOERR_CLOSE, "close " + name, e);
            }
        }
    }

    static final List<String> PRAGMAS_SEEN = new CopyOnWriteArrayList<>();

    /** A pragma handled by test code: returns the value, or null if not handled. */
    interface PragmaHook {
        @Nullable
        String handle(String pragma, @Nullable String value) throws SqliteException;
    }

    static volatile @Nullable PragmaHook pragmaHook;

    static SqliteFile.@Nullable PragmaResult pragma(String pragma, @Nullable String value, SqliteFile file)
            throws SqliteException {
        PRAGMAS_SEEN.add(pragma + "=" + value);
        PragmaHook hook = pragmaHook;
        if (hook != null) {
            String r = hook.handle(pragma, value);
            if (r != null) {
                return SqliteFile.PragmaResult.of(r);
            }
        }
        switch (pragma.toLowerCase(java.util.Locale.ROOT)) {
            case "test_echo":
                return SqliteFile.PragmaResult.of(value == null ? "no value" : "echo:" + value);
            case "test_empty":
                return SqliteFile.PragmaResult.EMPTY;
            case "test_fail":
                throw new SqliteException(SqliteCodes.ERROR, "test_fail says no to " + value);
            case "test_crash":
                throw new IllegalStateException("test_crash blew up");
            default:
                return null;
        }
    }

    static List<String> names(List<OpenRecord> records) {
        List<String> out = new ArrayList<>();
        for (OpenRecord r : records) {
            out.add(r.name());
        }
        return out;
    }
}
