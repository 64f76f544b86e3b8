// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import dev.gradus.backend.jni.NativeBackend;

/**
 * The process-wide thread budget, shared by OpenBLAS and the native kernels (never both at once:
 * calls are sequential, so the two pools never multiply). The default is the number of available
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
     * Sets the budget for OpenBLAS ({@code blas_set_num_threads}) and the kernel pool. Call it between
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
