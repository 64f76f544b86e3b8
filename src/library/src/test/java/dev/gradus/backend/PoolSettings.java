// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import dev.gradus.Threads;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.jni.PoolThresholds;

/**
 * The equivalence tests run the kernel pool with 2 threads and a 256 Ki-element threshold, so that
 * their large shapes (1 Mi elements and more) are split into pieces even on a one-core CI machine.
 */
final class PoolSettings {
    static final long TEST_THRESHOLD = 1 << 18;
    private static int savedThreads;
    private static long savedThreshold;

    private PoolSettings() {}

    static void split() {
        NativeBackend.load();
        savedThreads = Threads.get();
        savedThreshold = PoolThresholds.parallel();
        Threads.set(2);
        PoolThresholds.setParallel(TEST_THRESHOLD);
    }

    static void restore() {
        PoolThresholds.setParallel(savedThreshold);
        Threads.set(savedThreads);
    }
}
