package io.litevfs.engine;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import java.util.List;

/**
 * The LTX files that, applied in order, build one state of a replica.
 *
 * @param target what was asked for
 * @param files the files, oldest first; never empty
 * @param txId the TXID of the state the files build (the last file's maximum TXID)
 */
public record RestorePlan(RestoreTarget target, List<LtxFileInfo> files, TxId txId) {
    /** Copies the list and checks it is not empty. */
    public RestorePlan {
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a restore plan has at least one file");
        }
    }
}
