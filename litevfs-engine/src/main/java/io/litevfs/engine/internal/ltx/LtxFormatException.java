package io.litevfs.engine.internal.ltx;

import java.io.IOException;

/**
 * An LTX file (or a part of one, such as a single page frame or the page index) is malformed.
 *
 * <p>The message always has the form {@code "<source>: at offset <n>: <problem>"}, where {@code source} names
 * the file (an object key, a path), {@code offset} is the absolute file offset of the first byte that could not be
 * accepted (or of the structure that is wrong), and {@code problem} says what was expected and what was found.
 */
public final class LtxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long offset;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param source the file the problem was found in
     * @param offset the absolute file offset of the problem
     * @param problem what was expected and what was found
     */
    public LtxFormatException(String source, long offset, String problem) {
        super(source + ": at offset " + offset + ": " + problem);
        this.source = source;
        this.offset = offset;
        this.problem = problem;
    }

    /**
     * Creates the exception with a cause (for example an LZ4 decoding error).
     *
     * @param source the file the problem was found in
     * @param offset the absolute file offset of the problem
     * @param problem what was expected and what was found
     * @param cause the underlying error
     */
    public LtxFormatException(String source, long offset, String problem, Throwable cause) {
        this(source, offset, problem);
        initCause(cause);
    }

    /** Returns the name of the file the problem was found in. */
    public String source() {
        return source;
    }

    /** Returns the absolute file offset of the problem. */
    public long offset() {
        return offset;
    }

    /** Returns the problem description without the source and offset prefix. */
    public String problem() {
        return problem;
    }
}
