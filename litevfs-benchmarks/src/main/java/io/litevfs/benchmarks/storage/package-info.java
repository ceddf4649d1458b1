/** A latency-injecting, request-counting storage backend ({@code delayed://}) for end-to-end benchmarks. */
@NullMarked
package io.litevfs.benchmarks.storage;

import org.jspecify.annotations.NullMarked;
