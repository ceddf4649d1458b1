package io.litevfs.sqlite;

/** SQLite result codes, open flags, lock levels and other constants used across the contract. */
public final class SqliteCodes {

    private SqliteCodes() {}

    // Primary result codes.
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int INTERNAL = 2;
    public static final int PERM = 3;
    public static final int ABORT = 4;
    public static final int BUSY = 5;
    public static final int LOCKED = 6;
    public static final int NOMEM = 7;
    public static final int READONLY = 8;
    public static final int INTERRUPT = 9;
    public static final int IOERR = 10;
    public static final int CORRUPT = 11;
    public static final int NOTFOUND = 12;
    public static final int FULL = 13;
    public static final int CANTOPEN = 14;
    public static final int PROTOCOL = 15;
    public static final int SCHEMA = 17;
    public static final int TOOBIG = 18;
    public static final int CONSTRAINT = 19;
    public static final int MISMATCH = 20;
    public static final int MISUSE = 21;
    public static final int RANGE = 25;
    public static final int NOTADB = 26;
    public static final int ROW = 100;
    public static final int DONE = 101;

    // Extended result codes.
    public static final int IOERR_READ = IOERR | (1 << 8);
    public static final int IOERR_SHORT_READ = IOERR | (2 << 8);
    public static final int IOERR_WRITE = IOERR | (3 << 8);
    public static final int IOERR_FSYNC = IOERR | (4 << 8);
    public static final int IOERR_TRUNCATE = IOERR | (6 << 8);
    public static final int IOERR_FSTAT = IOERR | (7 << 8);
    public static final int IOERR_UNLOCK = IOERR | (8 << 8);
    public static final int IOERR_DELETE = IOERR | (10 << 8);
    public static final int IOERR_NOMEM = IOERR | (12 << 8);
    public static final int IOERR_ACCESS = IOERR | (13 << 8);
    public static final int IOERR_CHECKRESERVEDLOCK = IOERR | (14 << 8);
    public static final int IOERR_LOCK = IOERR | (15 << 8);
    public static final int IOERR_CLOSE = IOERR | (16 << 8);
    public static final int IOERR_DELETE_NOENT = IOERR | (23 << 8);
    public static final int CORRUPT_VTAB = CORRUPT | (1 << 8);
    public static final int READONLY_RECOVERY = READONLY | (1 << 8);
    public static final int CANTOPEN_NOTEMPDIR = CANTOPEN | (1 << 8);

    // Open flags (sqlite3_open_v2 and xOpen).
    public static final int OPEN_READONLY = 0x00000001;
    public static final int OPEN_READWRITE = 0x00000002;
    public static final int OPEN_CREATE = 0x00000004;
    public static final int OPEN_DELETEONCLOSE = 0x00000008;
    public static final int OPEN_EXCLUSIVE = 0x00000010;
    public static final int OPEN_URI = 0x00000040;
    public static final int OPEN_MEMORY = 0x00000080;
    public static final int OPEN_MAIN_DB = 0x00000100;
    public static final int OPEN_TEMP_DB = 0x00000200;
    public static final int OPEN_TRANSIENT_DB = 0x00000400;
    public static final int OPEN_MAIN_JOURNAL = 0x00000800;
    public static final int OPEN_TEMP_JOURNAL = 0x00001000;
    public static final int OPEN_SUBJOURNAL = 0x00002000;
    public static final int OPEN_SUPER_JOURNAL = 0x00004000;
    public static final int OPEN_NOMUTEX = 0x00008000;
    public static final int OPEN_FULLMUTEX = 0x00010000;
    public static final int OPEN_WAL = 0x00080000;
    public static final int OPEN_EXRESCODE = 0x02000000;

    // Lock levels (xLock / xUnlock).
    public static final int LOCK_NONE = 0;
    public static final int LOCK_SHARED = 1;
    public static final int LOCK_RESERVED = 2;
    public static final int LOCK_PENDING = 3;
    public static final int LOCK_EXCLUSIVE = 4;

    // xAccess flags.
    public static final int ACCESS_EXISTS = 0;
    public static final int ACCESS_READWRITE = 1;
    public static final int ACCESS_READ = 2;

    // xDeviceCharacteristics bits.
    public static final int IOCAP_ATOMIC = 0x00000001;
    public static final int IOCAP_SAFE_APPEND = 0x00000200;
    public static final int IOCAP_SEQUENTIAL = 0x00000400;
    public static final int IOCAP_UNDELETABLE_WHEN_OPEN = 0x00000800;
    public static final int IOCAP_POWERSAFE_OVERWRITE = 0x00001000;
    public static final int IOCAP_IMMUTABLE = 0x00002000;

    // Column / value types.
    public static final int TYPE_INTEGER = 1;
    public static final int TYPE_FLOAT = 2;
    public static final int TYPE_TEXT = 3;
    public static final int TYPE_BLOB = 4;
    public static final int TYPE_NULL = 5;

    // sqlite3_create_function_v2 flags.
    public static final int UTF8 = 1;
    public static final int DETERMINISTIC = 0x000000800;
    public static final int DIRECTONLY = 0x000080000;
    public static final int INNOCUOUS = 0x000200000;

    /** Returns the primary code of an extended result code. */
    public static int primary(int code) {
        return code & 0xff;
    }
}
