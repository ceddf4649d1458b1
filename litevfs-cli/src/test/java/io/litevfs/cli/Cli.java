package io.litevfs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the CLI in-process ({@link #run}) or through {@code bin/litevfs} ({@link #script}). */
final class Cli {

    /** Exit status and output of one run. */
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    static String sha256(Path file) {
        try {
            return DemoCommand.sha256(file);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path root() {
        String root = System.getProperty("litevfs.root");
        if (root == null) {
            throw new IllegalStateException("system property litevfs.root is not set (run the tests with Maven)");
        }
        return Path.of(root);
    }

    /** Runs {@code bin/litevfs} as a process, as a user would. */
    static Result script(Path workDir, String... args) throws IOException, InterruptedException {
        return script(workDir, java.util.Map.of(), args);
    }

    /** Runs {@code bin/litevfs} as a process with extra environment variables (e.g. AWS credentials). */
    static Result script(Path workDir, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root().resolve("bin/litevfs").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("litevfs-out", ".txt");
        Path err = Files.createTempFile("litevfs-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/litevfs " + String.join(" ", args) + " timed out");
            }
            return new Result(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
