package io.litevfs.cli;

import io.litevfs.engine.RestoreTarget;
import io.litevfs.ltx.TxId;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code [--at TIME | --txid TXID]}, shared by the commands that read a state. */
final class TargetOptions {

    @Option(
            names = "--at",
            paramLabel = "TIME",
            description = "A point in time: ISO-8601 (2026-11-20T10:00:00Z) or relative ('5 minutes ago').")
    String at;

    @Option(
            names = "--txid",
            paramLabel = "TXID",
            description = "A transaction id: 16 hex digits (as printed by litevfs) or a decimal number.")
    String txid;

    RestoreTarget target() {
        if (at != null && txid != null) {
            throw new IllegalArgumentException("give --at or --txid, not both");
        }
        if (txid != null) {
            return RestoreTarget.txId(TxId.parse(txid));
        }
        if (at != null) {
            return RestoreTarget.parseTime(at, Clock.systemUTC());
        }
        return RestoreTarget.latest();
    }
}
