package io.litevfs.sqlite.jnr.internal;

import static io.litevfs.sqlite.jnr.internal.Mem.IO;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import io.litevfs.sqlite.SqliteFile.PragmaResult;
import io.litevfs.sqlite.SqliteVfs;
import io.litevfs.sqlite.SqliteVfs.UriParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import jnr.ffi.provider.ClosureManager;
import org.jspecify.annotations.Nullable;

/**
 * Registers {@link SqliteVfs}s with SQLite and serves their callbacks.
 *
 * <p>Native layout (x86-64 / LP64, checked against {@code offsetof} in the design notes):
 *
 * <ul>
 *   <li>{@code sqlite3_vfs} v3, 168 bytes, one per registration, from {@code sqlite3_malloc64}: iVersion 3, szOsFile
 *       24, mxPathname 512, zName (sqlite3_malloc64 copy), pAppData = the registration's handle, Java callbacks for
 *       xOpen, xDelete, xAccess, xFullPathname, xRandomness, xSleep, xCurrentTime, xGetLastError and
 *       xCurrentTimeInt64, xDl* copied from the unix VFS, the v3 system-call slots NULL.
 *   <li>{@code sqlite3_io_methods} v1, 152 bytes, one shared by every file this bridge opens.
 *   <li>our {@code sqlite3_file} subclass, 24 bytes: pMethods at 0, the file's id in the open-file table at 8, a
 *       per-open random magic at 16 (checked on every call, cleared on close).
 * </ul>
 *
 * <p>Lifetime: every callback object (and the closure pointer jnr-ffi made for it) is a final field of this bridge,
 * and the bridge is reachable from a static registry of loaded libraries for the life of the process, so no stub can
 * ever be collected (jnr-ffi only holds callbacks weakly). The io-methods struct lives as long as the process. A
 * registration's struct and name are freed only after unregistration, once no file and no connection of this
 * binding uses it and no open is in flight.
 *
 * <p>Every callback catches {@link Throwable}: an escaping exception would reach SQLite as 0 (SQLITE_OK). A {@link
 * SqliteException} selects the returned code; other throwables map to the callback's I/O error code (the table in
 * jnr-vfs-notes.md §7.5), {@link OutOfMemoryError} to SQLITE_NOMEM / SQLITE_IOERR_NOMEM. The throwable is recorded
 * on the connection that opened the file (or, for VFS-level callbacks, the connection whose call is running on this
 * thread), so the binding's {@link SqliteException} can carry it as its cause.
 */
public final class VfsBridge {

    // sqlite3_vfs offsets.
    static final int VFS_SIZE = 168;
    static final int VFS_IVERSION = 0;
    static final int VFS_SZOSFILE = 4;
    static final int VFS_MXPATHNAME = 8;
    static final int VFS_ZNAME = 24;
    static final int VFS_PAPPDATA = 32;
    static final int VFS_XOPEN = 40;
    static final int VFS_XDELETE = 48;
    static final int VFS_XACCESS = 56;
    static final int VFS_XFULLPATHNAME = 64;
    static final int VFS_XDLOPEN = 72;
    static final int VFS_XDLCLOSE = 96;
    static final int VFS_XRANDOMNESS = 104;
    static final int VFS_XSLEEP = 112;
    static final int VFS_XCURRENTTIME = 120;
    static final int VFS_XGETLASTERROR = 128;
    static final int VFS_XCURRENTTIMEINT64 = 136;

    // sqlite3_io_methods offsets.
    static final int IO_SIZE = 152;
    static final int IO_XCLOSE = 8;
    static final int IO_XREAD = 16;
    static final int IO_XWRITE = 24;
    static final int IO_XTRUNCATE = 32;
    static final int IO_XSYNC = 40;
    static final int IO_XFILESIZE = 48;
    static final int IO_XLOCK = 56;
    static final int IO_XUNLOCK = 64;
    static final int IO_XCHECKRESERVEDLOCK = 72;
    static final int IO_XFILECONTROL = 80;
    static final int IO_XSECTORSIZE = 88;
    static final int IO_XDEVICECHARACTERISTICS = 96;

    // Our sqlite3_file subclass.
    static final int FILE_SIZE = 24;
    static final int FILE_PMETHODS = 0;
    static final int FILE_ID = 8;
    static final int FILE_MAGIC = 16;

    static final int MAX_PATHNAME = 512;
    static final int FCNTL_PRAGMA = 14;

    /**
     * How xRead hands SQLite's buffer to {@link SqliteFile#read} (system property {@code litevfs.jnr.read}):
     *
     * <ul>
     *   <li>{@code auto} (default): {@code copy} for reads up to {@link #COPY_MAX} bytes (every page read of a
     *       database with pages up to 16 KiB), {@code view} above;
     *   <li>{@code copy}: the file fills a reusable per-thread direct buffer, then one memcpy into SQLite's buffer;
     *   <li>{@code view}: the file fills a direct ByteBuffer wrapping SQLite's buffer, made per call by JNI
     *       NewDirectByteBuffer (measured 115-200 ns; the 4 KiB memcpy of the copy path costs about 45 ns).
     * </ul>
     */
    static final int COPY_MAX = copyMax(System.getProperty("litevfs.jnr.read", "auto"));

    private static int copyMax(String mode) {
        switch (mode) {
            case "view":
                return -1;
            case "copy":
                return Integer.MAX_VALUE;
            default:
                return 16 * 1024;
        }
    }

    /** A thread's reusable read buffer; {@code busy} guards against re-entrant use (a VFS calling SQLite). */
    private static final class ReadBuffer {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024);
        long address = Mem.IO.getDirectBufferAddress(buffer);
        boolean busy;
    }

    private final LibSqlite lib;
    private final OpenFileTable files = new OpenFileTable();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong nextHandle = new AtomicLong(1);

    private final Object lock = new Object();
    private final Map<String, VfsEntry> registered = new HashMap<>();
    private final List<VfsEntry> retired = new ArrayList<>();
    private final Map<Long, VfsEntry> byHandle = new ConcurrentHashMap<>();
    private final Map<Long, VfsEntry> byStruct = new ConcurrentHashMap<>();
    private int opensInFlight;

    private final ThreadLocal<ReadBuffer> readBuffers = ThreadLocal.withInitial(ReadBuffer::new);

    // Callback objects: strongly held for the life of the bridge (pitfall: jnr-ffi holds them weakly).
    private final Callbacks.XOpen xOpen = this::xOpen;
    private final Callbacks.XDelete xDelete = this::xDelete;
    private final Callbacks.XAccess xAccess = this::xAccess;
    private final Callbacks.XFullPathname xFullPathname = this::xFullPathname;
    private final Callbacks.VfsIntPtr xRandomness = this::xRandomness;
    private final Callbacks.XSleep xSleep = this::xSleep;
    private final Callbacks.VfsPtr xCurrentTime = this::xCurrentTime;
    private final Callbacks.VfsIntPtr xGetLastError = this::xGetLastError;
    private final Callbacks.VfsPtr xCurrentTimeInt64 = this::xCurrentTimeInt64;
    private final Callbacks.FileOnly xClose = this::xClose;
    private final Callbacks.FileReadWrite xRead = this::xRead;
    private final Callbacks.FileReadWrite xWrite = this::xWrite;
    private final Callbacks.FileLong xTruncate = this::xTruncate;
    private final Callbacks.FileInt xSync = this::xSync;
    private final Callbacks.FilePtr xFileSize = this::xFileSize;
    private final Callbacks.FileInt xLock = this::xLock;
    private final Callbacks.FileInt xUnlock = this::xUnlock;
    private final Callbacks.FilePtr xCheckReservedLock = this::xCheckReservedLock;
    private final Callbacks.XFileControl xFileControl = this::xFileControl;
    private final Callbacks.FileOnly xSectorSize = this::xSectorSize;
    private final Callbacks.FileOnly xDeviceCharacteristics = this::xDeviceCharacteristics;

    /** The native stubs, kept next to their callbacks. */
    private final List<Pointer> stubs = new ArrayList<>();

    private final long ioMethods;
    private final long[] vfsSlots;
    private final long[] dlSlots = new long[4];

    VfsBridge(LibSqlite lib, ClosureManager closures) throws SqliteException {
        this.lib = lib;
        vfsSlots = new long[] {
            stub(closures, Callbacks.XOpen.class, xOpen),
            stub(closures, Callbacks.XDelete.class, xDelete),
            stub(closures, Callbacks.XAccess.class, xAccess),
            stub(closures, Callbacks.XFullPathname.class, xFullPathname),
            stub(closures, Callbacks.VfsIntPtr.class, xRandomness),
            stub(closures, Callbacks.XSleep.class, xSleep),
            stub(closures, Callbacks.VfsPtr.class, xCurrentTime),
            stub(closures, Callbacks.VfsIntPtr.class, xGetLastError),
            stub(closures, Callbacks.VfsPtr.class, xCurrentTimeInt64),
        };
        // xDl* come from the unix VFS (its implementations ignore pVfs): load_extension works with no upcall.
        long unix = lib.sqlite3_vfs_find(Mem.cstr("unix"));
        if (unix == 0) {
            unix = lib.sqlite3_vfs_find(null);
        }
        if (unix != 0) {
            for (int i = 0; i < 4; i++) {
                dlSlots[i] = IO.getAddress(unix + VFS_XDLOPEN + 8L * i);
            }
        }
        long io = lib.sqlite3_malloc64(IO_SIZE);
        if (io == 0) {
            throw new SqliteException(SqliteCodes.NOMEM, "sqlite3_malloc64 failed for sqlite3_io_methods");
        }
        IO.setMemory(io, IO_SIZE, (byte) 0);
        IO.putInt(io, 1);
        IO.putAddress(io + IO_XCLOSE, stub(closures, Callbacks.FileOnly.class, xClose));
        IO.putAddress(io + IO_XREAD, stub(closures, Callbacks.FileReadWrite.class, xRead));
        IO.putAddress(io + IO_XWRITE, stub(closures, Callbacks.FileReadWrite.class, xWrite));
        IO.putAddress(io + IO_XTRUNCATE, stub(closures, Callbacks.FileLong.class, xTruncate));
        IO.putAddress(io + IO_XSYNC, stub(closures, Callbacks.FileInt.class, xSync));
        IO.putAddress(io + IO_XFILESIZE, stub(closures, Callbacks.FilePtr.class, xFileSize));
        IO.putAddress(io + IO_XLOCK, stub(closures, Callbacks.FileInt.class, xLock));
        IO.putAddress(io + IO_XUNLOCK, stub(closures, Callbacks.FileInt.class, xUnlock));
        IO.putAddress(io + IO_XCHECKRESERVEDLOCK, stub(closures, Callbacks.FilePtr.class, xCheckReservedLock));
        IO.putAddress(io + IO_XFILECONTROL, stub(closures, Callbacks.XFileControl.class, xFileControl));
        IO.putAddress(io + IO_XSECTORSIZE, stub(closures, Callbacks.FileOnly.class, xSectorSize));
        IO.putAddress(io + IO_XDEVICECHARACTERISTICS, stub(closures, Callbacks.FileOnly.class, xDeviceCharacteristics));
        this.ioMethods = io;
    }

    private <T> long stub(ClosureManager closures, Class<T> type, T callback) {
        Pointer p = closures.getClosurePointer(type, callback);
        stubs.add(p);
        return p.address();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Registration.

    void register(SqliteVfs vfs, boolean makeDefault) throws SqliteException {
        String name = vfs.name();
        if (name == null || name.isEmpty()) {
            throw new SqliteException(SqliteCodes.MISUSE, "a VFS needs a non-empty name");
        }
        synchronized (lock) {
            if (registered.containsKey(name)) {
                throw new SqliteException(SqliteCodes.MISUSE, "VFS '" + name + "' is already registered");
            }
            long zName = Mem.sqliteString(lib, name);
            long s = lib.sqlite3_malloc64(VFS_SIZE);
            if (zName == 0 || s == 0) {
                lib.sqlite3_free(zName);
                lib.sqlite3_free(s);
                throw new SqliteException(SqliteCodes.NOMEM, "sqlite3_malloc64 failed for VFS '" + name + "'");
            }
            long handle = nextHandle.getAndIncrement();
            IO.setMemory(s, VFS_SIZE, (byte) 0);
            IO.putInt(s + VFS_IVERSION, 3);
            IO.putInt(s + VFS_SZOSFILE, FILE_SIZE);
            IO.putInt(s + VFS_MXPATHNAME, MAX_PATHNAME);
            IO.putAddress(s + VFS_ZNAME, zName);
            IO.putLong(s + VFS_PAPPDATA, handle);
            IO.putAddress(s + VFS_XOPEN, vfsSlots[0]);
            IO.putAddress(s + VFS_XDELETE, vfsSlots[1]);
            IO.putAddress(s + VFS_XACCESS, vfsSlots[2]);
            IO.putAddress(s + VFS_XFULLPATHNAME, vfsSlots[3]);
            for (int i = 0; i < 4; i++) {
                IO.putAddress(s + VFS_XDLOPEN + 8L * i, dlSlots[i]);
            }
            IO.putAddress(s + VFS_XRANDOMNESS, vfsSlots[4]);
            IO.putAddress(s + VFS_XSLEEP, vfsSlots[5]);
            IO.putAddress(s + VFS_XCURRENTTIME, vfsSlots[6]);
            IO.putAddress(s + VFS_XGETLASTERROR, vfsSlots[7]);
            IO.putAddress(s + VFS_XCURRENTTIMEINT64, vfsSlots[8]);
            VfsEntry e = new VfsEntry(vfs, name, handle, s, zName);
            byHandle.put(handle, e);
            byStruct.put(s, e);
            int rc = lib.sqlite3_vfs_register(s, makeDefault ? 1 : 0);
            if (rc != SqliteCodes.OK) {
                byHandle.remove(handle);
                byStruct.remove(s);
                lib.sqlite3_free(s);
                lib.sqlite3_free(zName);
                throw new SqliteException(rc, "sqlite3_vfs_register(" + name + ") failed: " + errstr(rc));
            }
            e.registered = true;
            registered.put(name, e);
        }
    }

    void unregister(String name) throws SqliteException {
        synchronized (lock) {
            VfsEntry e = registered.remove(name);
            if (e == null) {
                return;
            }
            int rc = lib.sqlite3_vfs_unregister(e.struct);
            e.registered = false;
            retired.add(e);
            freeUnused();
            if (rc != SqliteCodes.OK) {
                throw new SqliteException(rc, "sqlite3_vfs_unregister(" + name + ") failed: " + errstr(rc));
            }
        }
    }

    /** Called by the binding around sqlite3_open_v2: no retired VFS is freed while an open may be resolving it. */
    void openStarted() {
        synchronized (lock) {
            opensInFlight++;
        }
    }

    void openFinished() {
        synchronized (lock) {
            opensInFlight--;
            freeUnused();
        }
    }

    /** Returns our registration whose struct is {@code vfsPointer} (as reported by SQLITE_FCNTL_VFS_POINTER). */
    @Nullable
    VfsEntry acquireByStruct(long vfsPointer) {
        VfsEntry e = byStruct.get(vfsPointer);
        if (e != null) {
            e.users.incrementAndGet();
        }
        return e;
    }

    void release(VfsEntry e) {
        e.users.decrementAndGet();
        synchronized (lock) {
            freeUnused();
        }
    }

    private void freeUnused() {
        if (opensInFlight > 0) {
            return;
        }
        for (var it = retired.iterator(); it.hasNext(); ) {
            VfsEntry e = it.next();
            if (!e.registered && !e.freed && e.users.get() == 0) {
                e.freed = true;
                byHandle.remove(e.handle);
                byStruct.remove(e.struct);
                lib.sqlite3_free(e.struct);
                lib.sqlite3_free(e.zName);
                it.remove();
            }
        }
    }

    /** Returns the number of files open through this bridge's VFSs. */
    int openFileCount() {
        return files.count();
    }

    /** Returns the number of unregistered VFSs whose native memory is still alive (in use). */
    int retiredCount() {
        synchronized (lock) {
            return retired.size();
        }
    }

    private String errstr(int rc) {
        String s = Mem.string(lib.sqlite3_errstr(rc));
        return s == null ? "error " + rc : s;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Error plumbing.

    private static int codeOf(Throwable t, int defaultCode, int oomCode) {
        if (t instanceof SqliteException se && se.code() != SqliteCodes.OK) {
            return se.code();
        }
        if (t instanceof OutOfMemoryError) {
            return oomCode;
        }
        return defaultCode;
    }

    /** Records {@code t} for the connection the call belongs to and returns the code for SQLite. Never throws. */
    private static int fail(Throwable t, int defaultCode, int oomCode, @Nullable OpenFile f) {
        try {
            JnrConnection c = f != null && f.owner != null ? f.owner : CallContext.connection();
            if (c != null) {
                c.recordVfsError(t);
            }
            return codeOf(t, defaultCode, oomCode);
        } catch (Throwable ignored) {
            return defaultCode;
        }
    }

    private static int fail(Throwable t, int defaultCode, @Nullable OpenFile f) {
        return fail(t, defaultCode, SqliteCodes.IOERR_NOMEM, f);
    }

    private @Nullable VfsEntry entry(long pVfs) {
        return byHandle.get(IO.getLong(pVfs + VFS_PAPPDATA));
    }

    private VfsEntry requireEntry(long pVfs) throws SqliteException {
        VfsEntry e = entry(pVfs);
        if (e == null) {
            throw new SqliteException(SqliteCodes.MISUSE, "sqlite3_vfs at 0x" + Long.toHexString(pVfs) + " is unknown");
        }
        return e;
    }

    private OpenFile file(long pFile) throws SqliteException {
        OpenFile f = files.get(IO.getLong(pFile + FILE_ID));
        if (f == null || f.magic != IO.getLong(pFile + FILE_MAGIC)) {
            throw new SqliteException(
                    SqliteCodes.MISUSE, "sqlite3_file at 0x" + Long.toHexString(pFile) + " is not open in litevfs");
        }
        return f;
    }

    // ------------------------------------------------------------------------------------------------------------
    // sqlite3_vfs callbacks.

    private int xOpen(long pVfs, long zName, long pFile, int flags, long pOutFlags) {
        // pMethods must be valid or NULL after xOpen, even when it fails: NULL first, published last.
        try {
            IO.putAddress(pFile + FILE_PMETHODS, 0L);
        } catch (Throwable t) {
            return SqliteCodes.CANTOPEN;
        }
        JnrConnection owner = null;
        SqliteFile opened = null;
        OpenFile of = null;
        try {
            owner = CallContext.connection();
            VfsEntry e = requireEntry(pVfs);
            String name = Mem.string(zName);
            UriParameters params = UriParameters.NONE;
            NativeUriParameters uri = null;
            if (zName != 0 && (flags & SqliteCodes.OPEN_MAIN_DB) != 0) {
                uri = new NativeUriParameters(lib, zName);
                params = uri;
            }
            try {
                opened = e.vfs.open(name, flags, params);
            } finally {
                if (uri != null) {
                    uri.invalidate();
                }
            }
            if (opened == null) {
                throw new SqliteException(SqliteCodes.CANTOPEN, "SqliteVfs.open returned null for " + name);
            }
            long magic = ThreadLocalRandom.current().nextLong() | 1L;
            of = new OpenFile(e, opened, name, owner, magic);
            int id = files.add(of);
            IO.putLong(pFile + FILE_ID, id);
            IO.putLong(pFile + FILE_MAGIC, magic);
            if (pOutFlags != 0) {
                IO.putInt(pOutFlags, flags);
            }
            e.users.incrementAndGet();
            IO.putAddress(pFile + FILE_PMETHODS, ioMethods);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            try {
                if (of != null) {
                    files.remove(of);
                }
                if (opened != null) {
                    opened.close();
                }
            } catch (Throwable ignored) {
                // The open already failed; report that.
            }
            try {
                if (owner != null) {
                    owner.recordVfsError(t);
                }
            } catch (Throwable ignored) {
                // Nothing more to do.
            }
            return codeOf(t, SqliteCodes.CANTOPEN, SqliteCodes.NOMEM);
        }
    }

    private int xDelete(long pVfs, long zName, int syncDir) {
        try {
            String name = Mem.string(zName);
            if (name != null) {
                requireEntry(pVfs).vfs.delete(name, syncDir != 0);
            }
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_DELETE, null);
        }
    }

    private int xAccess(long pVfs, long zName, int flags, long pResOut) {
        try {
            IO.putInt(pResOut, 0);
            String name = Mem.string(zName);
            boolean ok = name != null && requireEntry(pVfs).vfs.access(name, flags);
            IO.putInt(pResOut, ok ? 1 : 0);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_ACCESS, null);
        }
    }

    private int xFullPathname(long pVfs, long zName, int nOut, long zOut) {
        try {
            String name = Mem.string(zName);
            String full = requireEntry(pVfs).vfs.fullPathname(name == null ? "" : name);
            byte[] z = Mem.cstr(full);
            if (z.length > nOut) {
                throw new SqliteException(
                        SqliteCodes.CANTOPEN,
                        "full path name of " + name + " is " + (z.length - 1) + " bytes; at most " + (nOut - 1)
                                + " fit");
            }
            IO.putByteArray(zOut, z, 0, z.length);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.CANTOPEN, SqliteCodes.NOMEM, null);
        }
    }

    private int xRandomness(long pVfs, int n, long zOut) {
        try {
            if (n <= 0) {
                return 0;
            }
            byte[] b = new byte[n];
            random.nextBytes(b);
            IO.putByteArray(zOut, b, 0, n);
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }

    private int xSleep(long pVfs, int micros) {
        try {
            if (micros > 0) {
                Thread.sleep(micros / 1000, (micros % 1000) * 1000);
            }
            return micros;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Throwable t) {
            return 0;
        }
    }

    private int xCurrentTime(long pVfs, long pOut) {
        try {
            IO.putDouble(pOut, System.currentTimeMillis() / 86_400_000.0 + 2_440_587.5);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return SqliteCodes.ERROR;
        }
    }

    private int xCurrentTimeInt64(long pVfs, long pOut) {
        try {
            IO.putLong(pOut, System.currentTimeMillis() + 210_866_760_000_000L);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return SqliteCodes.ERROR;
        }
    }

    private int xGetLastError(long pVfs, int n, long zOut) {
        try {
            if (n <= 0 || zOut == 0) {
                return 0;
            }
            VfsEntry e = entry(pVfs);
            String text = e == null ? null : e.vfs.lastError();
            if (text == null) {
                JnrConnection c = CallContext.connection();
                Throwable t = c == null ? null : c.peekVfsError();
                text = t == null ? null : String.valueOf(t);
            }
            byte[] b = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
            int len = Math.min(b.length, n - 1);
            IO.putByteArray(zOut, b, 0, len);
            IO.putByte(zOut + len, (byte) 0);
            return 0;
        } catch (Throwable t) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // sqlite3_io_methods callbacks.

    private int xClose(long pFile) {
        OpenFile f;
        try {
            f = file(pFile);
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_CLOSE, null);
        }
        int rc = SqliteCodes.OK;
        try {
            f.file.close();
        } catch (Throwable t) {
            rc = fail(t, SqliteCodes.IOERR_CLOSE, f);
        } finally {
            try {
                IO.putLong(pFile + FILE_MAGIC, 0L);
                files.remove(f);
                f.vfs.users.decrementAndGet();
            } catch (Throwable ignored) {
                // Never let anything escape to SQLite.
            }
        }
        return rc;
    }

    private int xRead(long pFile, long buf, int amount, long offset) {
        OpenFile f = null;
        try {
            f = file(pFile);
            if (amount <= COPY_MAX) {
                ReadBuffer rb = readBuffers.get();
                if (!rb.busy) {
                    return readCopy(f, rb, buf, amount, offset);
                }
            }
            ByteBuffer dst = IO.newDirectByteBuffer(buf, amount);
            if (f.file.read(offset, dst)) {
                return SqliteCodes.OK;
            }
            int pos = dst.position();
            if (pos < amount) {
                IO.setMemory(buf + pos, amount - pos, (byte) 0);
            }
            return SqliteCodes.IOERR_SHORT_READ;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_READ, f);
        }
    }

    private static int readCopy(OpenFile f, ReadBuffer rb, long buf, int amount, long offset) throws SqliteException {
        if (rb.buffer.capacity() < amount) {
            rb.buffer = ByteBuffer.allocateDirect(amount);
            rb.address = IO.getDirectBufferAddress(rb.buffer);
        }
        ByteBuffer tmp = rb.buffer;
        tmp.clear().limit(amount);
        rb.busy = true;
        boolean full;
        try {
            full = f.file.read(offset, tmp);
        } finally {
            rb.busy = false;
        }
        if (full) {
            IO.copyMemory(rb.address, buf, amount);
            return SqliteCodes.OK;
        }
        int n = Math.min(tmp.position(), amount);
        if (n > 0) {
            IO.copyMemory(rb.address, buf, n);
        }
        IO.setMemory(buf + n, amount - n, (byte) 0);
        return SqliteCodes.IOERR_SHORT_READ;
    }

    private int xWrite(long pFile, long buf, int amount, long offset) {
        OpenFile f = null;
        try {
            f = file(pFile);
            f.file.write(offset, IO.newDirectByteBuffer(buf, amount).asReadOnlyBuffer());
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_WRITE, f);
        }
    }

    private int xTruncate(long pFile, long size) {
        OpenFile f = null;
        try {
            f = file(pFile);
            f.file.truncate(size);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_TRUNCATE, f);
        }
    }

    private int xSync(long pFile, int flags) {
        OpenFile f = null;
        try {
            f = file(pFile);
            f.file.sync(flags);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_FSYNC, f);
        }
    }

    private int xFileSize(long pFile, long pSize) {
        OpenFile f = null;
        try {
            f = file(pFile);
            IO.putLong(pSize, f.file.size());
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_FSTAT, f);
        }
    }

    private int xLock(long pFile, int level) {
        OpenFile f = null;
        try {
            f = file(pFile);
            f.file.lock(level);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_LOCK, f);
        }
    }

    private int xUnlock(long pFile, int level) {
        OpenFile f = null;
        try {
            f = file(pFile);
            f.file.unlock(level);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_UNLOCK, f);
        }
    }

    private int xCheckReservedLock(long pFile, long pResOut) {
        OpenFile f = null;
        try {
            IO.putInt(pResOut, 0);
            f = file(pFile);
            IO.putInt(pResOut, f.file.checkReservedLock() ? 1 : 0);
            return SqliteCodes.OK;
        } catch (Throwable t) {
            return fail(t, SqliteCodes.IOERR_CHECKRESERVEDLOCK, f);
        }
    }

    private int xFileControl(long pFile, int op, long pArg) {
        if (op != FCNTL_PRAGMA) {
            return SqliteCodes.NOTFOUND;
        }
        OpenFile f = null;
        try {
            f = file(pFile);
            String name = Mem.string(IO.getAddress(pArg + 8));
            String value = Mem.string(IO.getAddress(pArg + 16));
            if (name == null) {
                return SqliteCodes.NOTFOUND;
            }
            if ("threads".equalsIgnoreCase(name) && value != null && !isZero(value)) {
                // Checked before the file sees it: helper threads would call this VFS from native threads that
                // jffi attaches and detaches on every callback (jnr-vfs-notes.md pitfall 3).
                return pragmaError(
                        pArg,
                        SqliteCodes.ERROR,
                        "PRAGMA threads=" + value + " refused: litevfs pins threads to 0 (SQLite helper threads"
                                + " would call the Java VFS from native threads)");
            }
            PragmaResult result = f.file.pragma(name, value);
            if (result == null) {
                return SqliteCodes.NOTFOUND;
            }
            String v = result.value();
            if (v != null) {
                long p = Mem.sqliteString(lib, v);
                if (p == 0) {
                    return SqliteCodes.NOMEM;
                }
                IO.putAddress(pArg, p);
            }
            return SqliteCodes.OK;
        } catch (Throwable t) {
            int code = codeOf(t, SqliteCodes.ERROR, SqliteCodes.NOMEM);
            if (code == SqliteCodes.NOTFOUND) {
                code = SqliteCodes.ERROR;
            }
            fail(t, code, f);
            String msg = t.getMessage() != null ? t.getMessage() : t.toString();
            try {
                return pragmaError(pArg, code, msg);
            } catch (Throwable ignored) {
                return code;
            }
        }
    }

    private int pragmaError(long pArg, int code, String message) {
        long p = Mem.sqliteString(lib, message);
        if (p != 0) {
            IO.putAddress(pArg, p);
        }
        return code;
    }

    /** Whether a pragma value is the integer 0 (as SQLite would parse it), e.g. {@code 0}, {@code +0}, {@code 00}. */
    static boolean isZero(String value) {
        String v = value.strip();
        if (v.startsWith("+") || v.startsWith("-")) {
            v = v.substring(1);
        }
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private int xSectorSize(long pFile) {
        try {
            return file(pFile).file.sectorSize();
        } catch (Throwable t) {
            return 4096;
        }
    }

    private int xDeviceCharacteristics(long pFile) {
        try {
            return file(pFile).file.deviceCharacteristics();
        } catch (Throwable t) {
            return 0;
        }
    }
}
