package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import io.litevfs.sqlite.SqliteVfs;
import io.litevfs.sqlite.jnr.internal.LibSqlite;
import io.litevfs.sqlite.jnr.internal.Mem;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what an xRead through the Java VFS costs. Opt-in: {@code -Dlitevfs.bench=true} (add {@code
 * -Dlitevfs.jnr.read=copy} for the reusable-buffer read path). Full scans with {@code cache_size=10} so every page
 * read reaches the VFS; minimum thread-CPU time over interleaved rounds.
 */
@EnabledIfSystemProperty(named = "litevfs.bench", matches = "true")
class ReadCostBenchmark extends BindingTestBase {

    private static final String SCAN = "SELECT sum(a), sum(length(b)) FROM t";

    @TempDir
    Path tmp;

    @Test
    void fullScan() throws Exception {
        int rows = Integer.getInteger("litevfs.bench.rows", 400_000);
        Path db = VfsTest.shellDatabase(
                tmp,
                "bench.db",
                "PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT);"
                        + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                        + " INSERT INTO t SELECT i, i % 1000, hex(randomblob(40)) FROM n;");
        TestVfs channel = newVfs();
        channel.mapDisk(db.toString(), db);
        TestVfs heap = newVfs();
        heap.files.computeIfAbsent("heap.db", n -> new TestVfs.HeapData()).set(Files.readAllBytes(db));

        Map<String, SqliteConnection> variants = new LinkedHashMap<>();
        variants.put("unix VFS (pread)", track(binding.open(db.toString(), SqliteCodes.OPEN_READONLY, null)));
        SqliteConnection mem = track(
                binding.open("file:/benchmem?vfs=memdb", SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null));
        variants.get("unix VFS (pread)").exec("VACUUM INTO 'file:/benchmem?vfs=memdb'");
        variants.put("memdb VFS (C memcpy)", mem);
        variants.put(
                "Java VFS, FileChannel",
                track(binding.open("file:" + db + "?vfs=" + channel.name(), SqliteCodes.OPEN_READONLY, null)));
        variants.put(
                "Java VFS, heap byte[]",
                track(binding.open("file:heap.db?vfs=" + heap.name(), SqliteCodes.OPEN_READONLY, null)));
        LeanVfs lean = new LeanVfs("leanvfs", Files.readAllBytes(db));
        binding.registerVfs(lean, false);
        variants.put(
                "Java VFS, lean byte[]",
                track(binding.open("file:lean.db?vfs=leanvfs", SqliteCodes.OPEN_READONLY, null)));
        Object expected = null;
        for (SqliteConnection c : variants.values()) {
            c.exec("PRAGMA cache_size = 10");
            Object r = one(c, SCAN);
            if (expected == null) {
                expected = r;
            }
            assertThat(r).isEqualTo(expected);
        }
        long before = heap.reads.get();
        one(variants.get("Java VFS, heap byte[]"), SCAN);
        long readsPerScan = heap.reads.get() - before;

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> best = new LinkedHashMap<>();
        for (int round = 0; round < Integer.getInteger("litevfs.bench.rounds", 15); round++) {
            for (var e : variants.entrySet()) {
                long t0 = mx.getCurrentThreadCpuTime();
                one(e.getValue(), SCAN);
                long t = mx.getCurrentThreadCpuTime() - t0;
                best.merge(e.getKey(), t, Math::min);
            }
        }
        long unix = best.get("unix VFS (pread)");
        long memdb = best.get("memdb VFS (C memcpy)");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                "%nscan of %d rows, %d bytes, %d xReads per scan, read mode %s%n",
                rows, Files.size(db), readsPerScan, System.getProperty("litevfs.jnr.read", "view")));
        for (var e : best.entrySet()) {
            sb.append(String.format(
                    "  %-24s %7.1f ms  x%.3f unix  x%.3f memdb  %+6.0f ns/xRead vs unix  %+6.0f ns/xRead vs memdb%n",
                    e.getKey(),
                    e.getValue() / 1e6,
                    e.getValue() / (double) unix,
                    e.getValue() / (double) memdb,
                    (e.getValue() - unix) / (double) readsPerScan,
                    (e.getValue() - memdb) / (double) readsPerScan));
        }
        sb.append(callCosts(db, Files.size(db)));
        System.out.println(sb);
        for (SqliteConnection c : variants.values()) {
            c.close();
        }
        binding.unregisterVfs("leanvfs");
        Files.writeString(
                Path.of(System.getProperty("java.io.tmpdir"), "litevfs-jnr-bench.txt"),
                sb.toString(),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** The least a Java VFS can do per xRead: one read-only image, one bulk put, no locks, no hooks. */
    static final class LeanVfs implements SqliteVfs {
        private final String name;
        private final byte[] image;

        LeanVfs(String name, byte[] image) {
            this.name = name;
            this.image = image;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public SqliteFile open(@Nullable String file, int flags, UriParameters uri) {
            return new SqliteFile() {
                @Override
                public boolean read(long offset, ByteBuffer dst) {
                    int n = dst.remaining();
                    if (offset + n <= image.length) {
                        dst.put(image, (int) offset, n);
                        return true;
                    }
                    int avail = (int) Math.max(0, image.length - offset);
                    dst.put(image, (int) offset, avail);
                    return false;
                }

                @Override
                public void write(long offset, ByteBuffer src) throws SqliteException {
                    throw new SqliteException(SqliteCodes.READONLY, "read-only");
                }

                @Override
                public void truncate(long size) throws SqliteException {
                    throw new SqliteException(SqliteCodes.READONLY, "read-only");
                }

                @Override
                public void sync(int flags) {}

                @Override
                public long size() {
                    return image.length;
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
                public void close() {}
            };
        }

        @Override
        public void delete(String file, boolean syncDirectory) {}

        @Override
        public boolean access(String file, int flags) {
            return false;
        }
    }

    /**
     * Calls the xRead and xSectorSize function pointers of open files directly from Java through jffi (Java to C to
     * the VFS): the Java VFS pays a jnr-ffi upcall on top of the same downcall the C VFSs pay.
     */
    private static String callCosts(Path db, long size) throws Exception {
        LibSqlite lib = jnr.ffi.LibraryLoader.create(LibSqlite.class).load(JnrSqliteBindingProvider.DEFAULT_LIBRARY);
        Map<String, String> uris = new LinkedHashMap<>();
        uris.put("unix (pread)", "file:" + db);
        uris.put("memdb (memcpy)", "file:/benchmem?vfs=memdb");
        uris.put("Java lean byte[]", "file:lean.db?vfs=leanvfs");
        com.kenai.jffi.CallContext readCtx = com.kenai.jffi.CallContext.getCallContext(
                com.kenai.jffi.Type.SINT,
                new com.kenai.jffi.Type[] {
                    com.kenai.jffi.Type.POINTER,
                    com.kenai.jffi.Type.POINTER,
                    com.kenai.jffi.Type.SINT,
                    com.kenai.jffi.Type.SINT64
                },
                com.kenai.jffi.CallingConvention.DEFAULT,
                false);
        com.kenai.jffi.CallContext sectorCtx = com.kenai.jffi.CallContext.getCallContext(
                com.kenai.jffi.Type.SINT,
                new com.kenai.jffi.Type[] {com.kenai.jffi.Type.POINTER},
                com.kenai.jffi.CallingConvention.DEFAULT,
                false);
        com.kenai.jffi.Invoker inv = com.kenai.jffi.Invoker.getInstance();
        com.kenai.jffi.MemoryIO mem = com.kenai.jffi.MemoryIO.getInstance();
        long buf = lib.sqlite3_malloc64(4096);
        int pages = (int) (size / 4096);
        int calls = 200_000;
        StringBuilder sb =
                new StringBuilder(String.format("direct calls from Java, ns per call (min of 7 x %d):%n", calls));
        for (var e : uris.entrySet()) {
            long[] out = new long[1];
            int rc = lib.sqlite3_open_v2(
                    Mem.cstr(e.getValue()), out, SqliteCodes.OPEN_READONLY | SqliteCodes.OPEN_URI, null);
            assertThat(rc).as(e.getKey()).isZero();
            long dbh = out[0];
            long[] pf = new long[1];
            lib.sqlite3_file_control(dbh, Mem.cstr("main"), 7, pf);
            long pFile = pf[0];
            long methods = mem.getAddress(pFile);
            long xRead = mem.getAddress(methods + 16);
            long xSector = mem.getAddress(methods + 88);
            long bestRead = Long.MAX_VALUE;
            long bestSector = Long.MAX_VALUE;
            for (int round = 0; round < 7; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    long r = inv.invokeN4(readCtx, xRead, pFile, buf, 4096, (long) (i % pages) * 4096);
                    if (r != 0) {
                        throw new AssertionError(e.getKey() + " xRead rc " + r);
                    }
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < calls && xSector != 0; i++) { // memdb has no xSectorSize
                    inv.invokeN1(sectorCtx, xSector, pFile);
                }
                long t2 = System.nanoTime();
                bestRead = Math.min(bestRead, t1 - t0);
                bestSector = Math.min(bestSector, t2 - t1);
            }
            sb.append(String.format(
                    "  %-18s xRead(4 KiB) %6.0f ns   xSectorSize %5.0f ns%n",
                    e.getKey(), bestRead / (double) calls, bestSector / (double) calls));
            lib.sqlite3_close_v2(dbh);
        }
        lib.sqlite3_free(buf);
        return sb.toString();
    }
}
