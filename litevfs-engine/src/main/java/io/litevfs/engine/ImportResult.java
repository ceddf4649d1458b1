package io.litevfs.engine;

import io.litevfs.storage.LtxFileInfo;
import java.nio.file.Path;

/**
 * What {@link Replica#importDatabase} wrote.
 *
 * @param source the database file read
 * @param file the LTX file written
 * @param pageSize the page size
 * @param pageCount the number of pages
 */
public record ImportResult(Path source, LtxFileInfo file, int pageSize, int pageCount) {}
