package io.litevfs.engine;

import io.litevfs.ltx.TxId;
import java.time.Instant;

/**
 * A version of a replica that a follower applied.
 *
 * @param txId the TXID of the version
 * @param timestamp the time the LTX file of the version records (when it was written)
 * @param pages the number of pages the version changed (the pages its LTX file holds)
 * @param commit the database size after the version, in pages
 */
public record DbVersion(TxId txId, Instant timestamp, int pages, int commit) {

    /** Returns {@code {"txid":"…","timestamp":"…","pages":N}}, the line {@code litevfs watch} prints. */
    public String toJson() {
        return "{\"txid\":\"" + txId + "\",\"timestamp\":\"" + timestamp + "\",\"pages\":" + pages + "}";
    }
}
