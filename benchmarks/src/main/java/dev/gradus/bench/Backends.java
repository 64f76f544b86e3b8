// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.backend.Backend;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The backends and the thread budget, as the benchmarks set them up: "native" or "java" by name, and one
 * thread count for the whole process, set before anything is measured.
 */
final class Backends {
    private Backends() {}

    /** The backend called {@code name} ("native" or "java"). */
    static Backend named(String name) {
        try {
            return (Backend) Backend.class.getMethod("named", String.class).invoke(null, name);
        } catch (ReflectiveOperationException e) {
            String cls = name.equals("native") ? "dev.gradus.backend.jni.NativeBackend"
                    : "dev.gradus.backend.reference.ReferenceBackend";
            try {
                return (Backend) Class.forName(cls).getConstructor().newInstance();
            } catch (ReflectiveOperationException e2) {
                throw new IllegalArgumentException("backend '" + name + "' is not available: " + e2, e2);
            }
        }
    }

    /** Sets the process-wide thread budget (OpenBLAS and our kernels) to {@code threads}. */
    static void threads(int threads) {
        try {
            Class.forName("dev.gradus.Threads").getMethod("set", int.class).invoke(null, threads);
        } catch (ReflectiveOperationException e) {
            openblas_nolapack.blas_set_num_threads(threads);
        }
    }

    /** The OpenBLAS thread count actually in force, as OpenBLAS reports it. */
    static int blasThreads() {
        return openblas_nolapack.blas_get_num_threads();
    }
}
