/**
 * Object-storage emulators in child processes for tests: {@link io.litevfs.testkit.emulator.GcsEmulatorServer}
 * (Google Cloud Storage JSON API, from {@code tools/gcs-emulator}).
 */
@NullMarked
package io.litevfs.testkit.emulator;

import org.jspecify.annotations.NullMarked;
