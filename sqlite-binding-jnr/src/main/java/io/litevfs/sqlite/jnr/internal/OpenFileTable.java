package io.litevfs.sqlite.jnr.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Maps the 64-bit id stored in each native {@code sqlite3_file} to its {@link OpenFile}. Lookups are lock-free (one
 * volatile read and one array read); adding and removing take a lock and reuse freed slots.
 */
final class OpenFileTable {

    private final Object lock = new Object();
    private volatile AtomicReferenceArray<@Nullable OpenFile> slots = new AtomicReferenceArray<>(64);
    private int[] free = new int[64];
    private int freeCount;
    private int next;
    private int count;

    /** Adds a file and returns its id. */
    int add(OpenFile file) {
        synchronized (lock) {
            int id;
            if (freeCount > 0) {
                id = free[--freeCount];
            } else {
                id = next++;
                if (id >= slots.length()) {
                    AtomicReferenceArray<@Nullable OpenFile> old = slots;
                    AtomicReferenceArray<@Nullable OpenFile> grown = new AtomicReferenceArray<>(old.length() * 2);
                    for (int i = 0; i < old.length(); i++) {
                        grown.set(i, old.get(i));
                    }
                    slots = grown;
                }
            }
            file.id = id;
            slots.set(id, file);
            count++;
            return id;
        }
    }

    /** Returns the file with that id, or {@code null}. */
    @Nullable
    OpenFile get(long id) {
        AtomicReferenceArray<@Nullable OpenFile> s = slots;
        return id >= 0 && id < s.length() ? s.get((int) id) : null;
    }

    /** Removes a file (no-op if it is not in the table). */
    void remove(OpenFile file) {
        synchronized (lock) {
            int id = file.id;
            if (id >= 0 && slots.get(id) == file) {
                slots.set(id, null);
                if (freeCount == free.length) {
                    free = java.util.Arrays.copyOf(free, free.length * 2);
                }
                free[freeCount++] = id;
                count--;
            }
        }
    }

    /** Returns the number of open files. */
    int count() {
        synchronized (lock) {
            return count;
        }
    }
}
