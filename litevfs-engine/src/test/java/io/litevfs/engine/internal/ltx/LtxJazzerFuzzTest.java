package io.litevfs.engine.internal.ltx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the whole codec with Jazzer.
 *
 * <p>In a normal build this runs in regression mode: the seed corpus {@code src/test/resources/fuzz/ltx} (copied
 * by the engine pom to {@code LtxJazzerFuzzTestInputs/fuzzLtxCodec} on the test class path) plus the empty input.
 * To fuzz for real (Linux/macOS, needs no extra setup):
 *
 * <pre>{@code
 * JAZZER_FUZZ=1 mvn -pl litevfs-engine -am test -Dtest=LtxJazzerFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 *
 * Findings land in {@code src/test/resources/io/litevfs/engine/internal/ltx/LtxJazzerFuzzTestInputs/}; move them
 * into {@code fuzz/ltx} with a README line.
 */
class LtxJazzerFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void fuzzLtxCodec(byte[] data) throws IOException {
        LtxFuzzHarness.exercise(data);
    }
}
