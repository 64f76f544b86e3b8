// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import java.lang.management.ManagementFactory;

/** Heap bytes the calling thread allocates while running something (HotSpot's per-thread counter). */
public final class HeapBytes {
    private HeapBytes() {}

    /** Something to measure; it may throw. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action}, swallowing what it throws (the caller checks that separately), and returns the bytes. */
    public static long of(Action action) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        try {
            action.run();
        } catch (Exception e) {
            // measured, not judged
        }
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
