package io.litevfs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litevfs.engine.Replica;
import io.litevfs.engine.ReplicaInfo;
import io.litevfs.storage.LtxFileInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litevfs info [--json] URL}. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Describe a replica: latest TXID, page size, size, levels, files, timestamps.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Parameters(index = "0", paramLabel = "REPLICA_URL", description = "e.g. file:///var/backups/app")
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Replica replica = Replica.open(url)) {
            ReplicaInfo info = replica.info().block();
            if (json) {
                out.println(toJson(info));
            } else {
                print(info, out);
            }
            if (info.latest() == null) {
                spec.commandLine().getErr().println("litevfs: " + info.latestError());
                return 1;
            }
            return 0;
        }
    }

    static void print(ReplicaInfo info, PrintWriter out) {
        out.printf("replica:    %s%n", info.location());
        if (info.latest() != null) {
            out.printf("txid:       %s%n", info.txId());
            out.printf("page size:  %d%n", info.pageSize());
            out.printf("size:       %d pages, %d bytes%n", info.commit(), info.sizeBytes());
            out.printf("updated:    %s%n", info.latestTimestamp());
            out.printf(
                    "plan:       %s%n",
                    String.join(
                            " ",
                            info.latest().files().stream()
                                    .map(LtxFileInfo::describe)
                                    .toList()));
        } else {
            out.printf("txid:       none (%s)%n", info.latestError());
        }
        out.printf("files:      %d (%d bytes)%n", info.fileCount(), info.totalBytes());
        for (Map.Entry<Integer, List<LtxFileInfo>> e : info.levels().entrySet()) {
            List<LtxFileInfo> files = e.getValue();
            out.printf(
                    "level %d:    %d files, TXID %s-%s, %d bytes%n",
                    e.getKey(),
                    files.size(),
                    files.get(0).minTxId(),
                    files.get(files.size() - 1).maxTxId(),
                    files.stream().mapToLong(LtxFileInfo::size).sum());
        }
    }

    static String toJson(ReplicaInfo info) throws Exception {
        ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("replica", info.location());
        if (info.latest() != null) {
            root.put("txid", info.txId().toString());
            root.put("page_size", info.pageSize());
            root.put("commit", info.commit());
            root.put("size", info.sizeBytes());
            root.put("timestamp", String.valueOf(info.latestTimestamp()));
            ArrayNode plan = root.putArray("plan");
            info.latest().files().forEach(f -> plan.add(f.describe()));
            root.putNull("error");
        } else {
            root.putNull("txid");
            root.put("error", info.latestError());
        }
        root.put("file_count", info.fileCount());
        root.put("bytes", info.totalBytes());
        ArrayNode levels = root.putArray("levels");
        ArrayNode files = root.putArray("files");
        for (Map.Entry<Integer, List<LtxFileInfo>> e : info.levels().entrySet()) {
            List<LtxFileInfo> list = e.getValue();
            ObjectNode l = levels.addObject();
            l.put("level", e.getKey());
            l.put("files", list.size());
            l.put("min_txid", list.get(0).minTxId().toString());
            l.put("max_txid", list.get(list.size() - 1).maxTxId().toString());
            l.put("bytes", list.stream().mapToLong(LtxFileInfo::size).sum());
            for (LtxFileInfo f : list) {
                ObjectNode o = files.addObject();
                o.put("level", f.level());
                o.put("min_txid", f.minTxId().toString());
                o.put("max_txid", f.maxTxId().toString());
                o.put("size", f.size());
                if (f.createdAt() != null) {
                    o.put("created_at", f.createdAt().toString());
                }
            }
        }
        return mapper.writeValueAsString(root);
    }
}
