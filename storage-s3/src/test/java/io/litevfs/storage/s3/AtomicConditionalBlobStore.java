package io.litevfs.storage.s3;

import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Makes S3Proxy's {@code If-Match} writes atomic, as they are on S3. S3Proxy 4.1.0 checks {@code If-Match} in its
 * HTTP handler (read the metadata, compare, then write), so of 16 racing {@code If-Match} PUTs several can win;
 * only {@code If-None-Match: *} is atomic in its nio2 blob stores. This wrapper re-checks the condition under a
 * per-key lock that every write and delete of that key takes, which is what S3 guarantees.
 */
final class AtomicConditionalBlobStore extends ForwardingBlobStore {

    private final ReentrantLock[] locks = new ReentrantLock[256];

    AtomicConditionalBlobStore(BlobStore delegate) {
        super(delegate);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lock(String bucket, String key) {
        return locks[Math.floorMod((bucket + "/" + key).hashCode(), locks.length)];
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        ReentrantLock lock = lock(request.bucket(), request.key());
        lock.lock();
        try {
            if (request.ifMatch() != null) {
                check(request.bucket(), request.key(), request.ifMatch());
            }
            return delegate().putBlob(request, content);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        ReentrantLock lock = lock(request.bucket(), request.key());
        lock.lock();
        try {
            if (request.ifMatch() != null) {
                check(request.bucket(), request.key(), request.ifMatch());
            }
            return delegate().removeBlob(request);
        } finally {
            lock.unlock();
        }
    }

    private void check(String bucket, String key, String ifMatch) {
        HeadObjectResponse current = delegate().blobMetadataIfPresent(bucket, key);
        if (current == null) {
            throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
        }
        if (!ifMatch.equals("*") && !strip(ifMatch).equals(strip(current.eTag()))) {
            throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
        }
    }

    private static String strip(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }
}
