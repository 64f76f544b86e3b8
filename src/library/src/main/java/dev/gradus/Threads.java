// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import dev.gradus.backend.jni.NativeBackend;

/**
 * The process-wide thread budget of the native backend: the size of its one thread pool, which
 * splits large GEMMs into blocks (each a single-threaded OpenBLAS call) and large elementwise kernels.
 * OpenBLAS's own threading is kept at 1, so there are never two pools competing for the cores. The default is the number of available
 * processors, or the system property {@code gradus.threads} when set ({@code -Dgradus.threads=1}).
 * {@link #set} applies a new budget at once when the native backend is loaded, and at its load
 * otherwise. The pure-Java backend is single-threaded.
 */
public final class Threads {
    /** The system property that sets the initial budget. */
    public static final String PROPERTY = "gradus.threads";

    private static volatile int budget = initial();

    private Threads() {}

    /** The current budget (>= 1). */
    public static int get() {
        return budget;
    }

    /**
     * Sets the size of the native thread pool (OpenBLAS itself stays single-threaded). Call it between
     * kernel calls, not during one.
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public static synchronized void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        }
        budget = n;
        NativeBackend.applyThreads(n);
    }

    private static int initial() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + PROPERTY + " must be an integer >= 1, got '" + value + "'");
    }
}
