package io.litevfs.cli;

/** Lets tests in other packages run the CLI in-process. */
public final class CliAccess {

    /** Exit status and output of one run. */
    public record Result(int status, String out, String err) {}

    private CliAccess() {}

    /** Runs the CLI in-process. */
    public static Result run(String... args) {
        Cli.Result r = Cli.run(args);
        return new Result(r.status(), r.out(), r.err());
    }
}
