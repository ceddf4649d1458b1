package io.litevfs.storage.s3;

/**
 * The kinds of request an {@link S3StorageClient} sends, so that a {@link S3Flavor} can add headers to some of them
 * (Tigris adds {@code X-Tigris-Consistent: true} to everything that must observe or make a conditional write).
 */
public enum S3Operation {
    /** ListObjectsV2 of a level directory. */
    LIST,
    /** Ranged or whole GET (and the HEAD of an empty range) of an immutable LTX file. */
    READ_LTX,
    /** Create-only PUT of an LTX file ({@code If-None-Match: *}), and the HEAD that checks a lost race. */
    CREATE_LTX,
    /** DeleteObjects of LTX files. */
    DELETE_LTX,
    /** GET of a small object beside the tree (the lease). */
    READ_OBJECT,
    /** PUT of a small object, possibly conditional. */
    WRITE_OBJECT,
    /** DELETE of a small object, possibly conditional. */
    DELETE_OBJECT
}
