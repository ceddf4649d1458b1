package io.litevfs.engine;

/**
 * Entry point: opens replicas as SQLite databases.
 *
 * <pre>{@code
 * LiteDatabase db = LiteVfs.open("s3://bucket/app?region=eu-west-1");    // the shared default runtime
 * db.query("SELECT id, name FROM users WHERE id > ?", 10)
 *   .map(row -> row.getString("name"))
 *   .subscribe(System.out::println);
 *
 * try (LiteVfsRuntime vfs = LiteVfs.builder().cacheSize(256L << 20).build()) {   // an explicit instance
 *     long n = vfs.open("file:///var/backups/app").query("SELECT count(*) FROM users")
 *                 .map(r -> r.getLong(0)).blockFirst();
 * }
 * }</pre>
 *
 * <p>The shared runtime is created on first use with the defaults of {@link LiteVfsRuntime.Builder} and registers
 * the VFS {@code litevfs}, so stock SQLite connections opened through the same binding can use
 * {@code file:any.db?vfs=litevfs&replica=<url-encoded replica URL>}. It lives as long as the JVM.
 */
public final class LiteVfs {

    private static volatile LiteVfsRuntime shared;

    private LiteVfs() {}

    /**
     * Opens a replica with the shared runtime. No I/O happens until the first query; a malformed URL, an unknown
     * scheme or an unknown option fails here.
     *
     * @param url a replica URL ({@code file:///dir}, {@code s3://bucket/prefix?...}, ...)
     * @return the database
     */
    public static LiteDatabase open(String url) {
        return shared().open(url);
    }

    /** Returns a builder for an explicit runtime with its own cache, threads and VFS registration. */
    public static LiteVfsRuntime.Builder builder() {
        return new LiteVfsRuntime.Builder();
    }

    /** Returns the shared runtime, creating it on first use. */
    public static LiteVfsRuntime shared() {
        LiteVfsRuntime s = shared;
        if (s == null) {
            synchronized (LiteVfs.class) {
                s = shared;
                if (s == null) {
                    s = builder().build();
                    shared = s;
                }
            }
        }
        return s;
    }
}
