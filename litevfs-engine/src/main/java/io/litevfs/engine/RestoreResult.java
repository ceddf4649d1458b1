package io.litevfs.engine;

import java.nio.file.Path;

/**
 * What {@link Replica#restore} produced.
 *
 * @param plan the files applied
 * @param output the database file
 * @param pageSize the page size
 * @param pageCount the number of pages in the file
 */
public record RestoreResult(RestorePlan plan, Path output, int pageSize, long pageCount) {
    /** Returns the size of the restored file in bytes. */
    public long sizeBytes() {
        return pageCount * pageSize;
    }
}
