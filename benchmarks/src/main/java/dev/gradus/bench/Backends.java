// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.report.Machine;

/**
 * The backends and the thread budget as the benchmarks set them up: one thread count for the whole process
 * (OpenBLAS and the kernel pool, through {@link Threads}), set before anything is measured.
 */
final class Backends {
    private Backends() {}

    /**
     * The backend called {@code name}: "native", "java", or "direct" (null: the caller calls OpenBLAS itself).
     * Sets the thread budget first; for "native" and "direct" the natives are loaded so that it applies.
     * "direct" then gives OpenBLAS its own pool of {@code threads} threads, as a program that calls
     * {@code cblas_sgemm} itself would run it (NativeBackend keeps OpenBLAS at 1 thread and splits
     * products over its own pool).
     */
    static Backend named(String name, int threads) {
        Threads.set(threads);
        Backend backend = null;
        if (name.equals("direct")) {
            NativeBackend.load();
            org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(threads);
        } else {
            backend = Backend.named(name);
        }
        if (!announced) {   // once per JMH fork: what this measurement runs on, in the JMH log
            announced = true;
            System.out.println("[gradus] backend " + name + ", threads " + Threads.get() + "; "
                    + (NativeBackend.isLoaded() ? NativeBackend.info() : "natives not loaded") + "; MACHINE "
                    + Machine.probe(null).toJson());
        }
        return backend;
    }

    private static boolean announced;

    /** The OpenBLAS thread count in force, 0 when the natives are not loaded (the Java backend). */
    static int blasThreads() {
        return NativeBackend.isLoaded() ? NativeBackend.info().blasThreads() : 0;
    }
}
