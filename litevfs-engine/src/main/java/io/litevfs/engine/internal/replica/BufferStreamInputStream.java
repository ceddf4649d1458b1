package io.litevfs.engine.internal.replica;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * An {@link InputStream} over a blocking stream of buffers (from {@code Flux#toStream(int)}), for the streaming LTX
 * decoder. Closing it closes the stream, which cancels the upstream request.
 *
 * <p>Only for threads that may block (the engine's I/O scheduler), never for event loops.
 */
final class BufferStreamInputStream extends InputStream {

    private final Stream<ByteBuffer> stream;
    private final Iterator<ByteBuffer> buffers;
    private ByteBuffer current = ByteBuffer.allocate(0);

    BufferStreamInputStream(Stream<ByteBuffer> stream) {
        this.stream = stream;
        this.buffers = stream.iterator();
    }

    private boolean fill() throws IOException {
        while (!current.hasRemaining()) {
            try {
                if (!buffers.hasNext()) {
                    return false;
                }
                current = buffers.next();
            } catch (RuntimeException e) {
                throw unwrap(e);
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public void close() {
        stream.close();
    }

    /** Reactor wraps checked exceptions; give the decoder back the storage error itself. */
    private static IOException unwrap(RuntimeException e) {
        Throwable t = reactor.core.Exceptions.unwrap(e);
        if (t instanceof RuntimeException re) {
            throw re;
        }
        return t instanceof IOException io ? io : new IOException(t.getMessage(), t);
    }
}
