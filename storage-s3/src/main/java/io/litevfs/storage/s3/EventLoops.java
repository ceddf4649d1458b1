package io.litevfs.storage.s3;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * One Netty event loop group for every S3 client of the JVM ({@code litevfs-s3-N} daemon threads). A client given
 * its own group would shut it down on close with Netty's two-second quiet period; a shared group also keeps the
 * thread count flat however many replicas are open. The SDK does not close a group it was given.
 */
final class EventLoops {

    private static volatile SdkEventLoopGroup group;

    private EventLoops() {}

    static SdkEventLoopGroup shared() {
        SdkEventLoopGroup g = group;
        if (g == null) {
            synchronized (EventLoops.class) {
                g = group;
                if (g == null) {
                    AtomicInteger n = new AtomicInteger();
                    ThreadFactory factory = r -> {
                        Thread t = new Thread(r, "litevfs-s3-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
                    g = SdkEventLoopGroup.builder()
                            .numberOfThreads(threads)
                            .threadFactory(factory)
                            .build();
                    group = g;
                }
            }
        }
        return g;
    }
}
