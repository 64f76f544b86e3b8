// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import dev.gradus.backend.jni.NativeBackend;

/**
 * The process-wide thread budget of the native backend: the size of its one thread pool, which
 * splits large GEMMs into blocks (each a single-threaded OpenBLAS call) and large elementwise kernels.
 * OpenBLAS's own threading is kept at 1, so there are never two pools competing for the cores. The default is the number of available
 * processors, or the system property {@code gradus.threads} when set ({@code -Dgradus.threads=1}); a
 * value that is not an integer >= 1 makes {@link #get} (and so loading the native backend) throw an
 * {@link IllegalArgumentException} naming it, until {@link #set} gives a budget.
 * {@link #set} applies a new budget at once when the native backend is loaded, and at its load
 * otherwise. The pure-Java backend is single-threaded.
 */
public final class Threads {
    /** The system property that sets the initial budget. */
    public static final String PROPERTY = "gradus.threads";

    private static final String PROPERTY_VALUE = System.getProperty(PROPERTY);
    private static volatile int budget = initial();   // 0 while the property is invalid and no set() came

    private Threads() {}

    /**
     * The current budget (>= 1).
     * @throws IllegalArgumentException naming the property when {@value #PROPERTY} is not an integer >= 1
     *         (and {@link #set} has not been called)
     */
    public static int get() {
        int n = budget;
        if (n < 1) {
            throw new IllegalArgumentException("system property " + PROPERTY + " must be an integer >= 1, got '"
                    + PROPERTY_VALUE + "'");
        }
        return n;
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

    /** From the property, or the processors; 0 for a bad value, which {@link #get} reports (never a class-init error). */
    private static int initial() {
        if (PROPERTY_VALUE == null || PROPERTY_VALUE.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return Math.max(Integer.parseInt(PROPERTY_VALUE.trim()), 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
