package io.litevfs.storage.s3;

import io.litevfs.storage.StorageException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Maps AWS SDK errors to the SPI's {@link StorageException} types with one-line messages free of credentials. */
final class S3Errors {

    private S3Errors() {}

    /** Removes the future's wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Returns the HTTP status of a service error (also inside a StorageException), or 0. */
    static int status(@Nullable Throwable t) {
        if (t == null) {
            return 0;
        }
        Throwable e = unwrap(t);
        if (e instanceof SdkServiceException se) {
            return se.statusCode();
        }
        return 0;
    }

    static StorageException map(Throwable t, String operation, S3Settings settings, String where, String key) {
        Throwable e = unwrap(t);
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof AwsServiceException ase) {
            int status = ase.statusCode();
            AwsErrorDetails d = ase.awsErrorDetails();
            String code = d == null || d.errorCode() == null ? "" : d.errorCode();
            String detail = code.isEmpty() ? "HTTP " + status : code + " (HTTP " + status + ")";
            switch (status) {
                case 404:
                    if (code.equals("NoSuchBucket")) {
                        return new StorageException.NotFound(
                                operation + " failed: bucket '" + settings.bucket() + "' does not exist " + where, e);
                    }
                    return new StorageException.NotFound(operation + " failed: not found " + where, e);
                case 412:
                    return new StorageException.PreconditionFailed(
                            operation + " failed: precondition failed " + where, e);
                case 403:
                case 401:
                    return new StorageException.AccessDenied(
                            operation + " failed: access denied to bucket '" + settings.bucket() + "', key '" + key
                                    + "': " + detail + accessHint(code, settings) + " " + where,
                            e);
                case 301:
                case 307:
                    String region = d == null || d.sdkHttpResponse() == null
                            ? null
                            : d.sdkHttpResponse()
                                    .firstMatchingHeader("x-amz-bucket-region")
                                    .orElse(null);
                    return new StorageException(
                            operation + " failed: bucket '" + settings.bucket() + "' is in another region"
                                    + (region == null ? "" : " (" + region + "); add ?region=" + region)
                                    + " " + where,
                            e,
                            false);
                case 400:
                    if (code.equals("AuthorizationHeaderMalformed")) {
                        return new StorageException(
                                operation + " failed: wrong region '" + settings.region() + "' for bucket '"
                                        + settings.bucket() + "' (" + code + "); set ?region= " + where,
                                e,
                                false);
                    }
                    return new StorageException(operation + " failed: " + detail + " " + where, e, false);
                case 409:
                    // ConditionalRequestConflict and OperationAborted: a concurrent request; AWS says retry.
                    return new StorageException(operation + " failed: conflict, " + detail + " " + where, e, true);
                default:
                    boolean retryable =
                            status == 429 || status >= 500 || code.equals("SlowDown") || code.equals("RequestTimeout");
                    return new StorageException(operation + " failed: " + detail + " " + where, e, retryable);
            }
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StorageException(operation + " failed: timed out " + where, e, true);
        }
        if (e instanceof SdkClientException sce) {
            String msg = String.valueOf(sce.getMessage());
            if (msg.contains("Unable to load credentials") || msg.contains("Unable to load region")) {
                return new StorageException.AccessDenied(
                        operation + " failed: no AWS credentials found in " + settings.credentialSource()
                                + "; set them or add access-key-id and secret-access-key to the URL " + where,
                        e);
            }
            Throwable root = rootCause(e);
            if (root instanceof UnknownHostException) {
                return new StorageException(
                        operation + " failed: unknown host " + root.getMessage() + " (check the endpoint) " + where,
                        e,
                        true);
            }
            if (root instanceof ConnectException) {
                return new StorageException(
                        operation + " failed: cannot connect (" + root.getMessage() + "; check the endpoint) " + where,
                        e,
                        true);
            }
            if (root instanceof TimeoutException
                    || root instanceof ClosedChannelException
                    || root instanceof java.io.IOException) {
                return new StorageException(
                        operation + " failed: connection error (" + oneLine(root) + ") " + where, e, true);
            }
            return new StorageException(operation + " failed: " + oneLine(sce) + " " + where, e, true);
        }
        if (e instanceof CancellationException) {
            return new StorageException(operation + " cancelled " + where, e, false);
        }
        return new StorageException(operation + " failed: " + oneLine(e) + " " + where, e, false);
    }

    private static String accessHint(String code, S3Settings settings) {
        switch (code) {
            case "InvalidAccessKeyId":
                return ", the access key id is not known to the store (credentials from " + settings.credentialSource()
                        + ")";
            case "SignatureDoesNotMatch":
                return ", the secret access key does not match (credentials from " + settings.credentialSource() + ")";
            case "ExpiredToken":
            case "TokenRefreshRequired":
                return ", the session token has expired";
            default:
                return "";
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable e = t;
        for (int i = 0; i < 20 && e.getCause() != null && e.getCause() != e; i++) {
            e = e.getCause();
        }
        return e;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
