// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** JavaCPP binding of native/include/nn_kernels.h. Unchecked: only NativeBackend calls it, after Checks. */
@Properties(inherit = org.bytedeco.openblas.presets.openblas_nolapack.class,
        value = @Platform(include = "nn_kernels.h", link = "nnkernels"))
public final class NnKernels {
    static {
        Loader.load();
    }

    private NnKernels() {}

    public static native @Cast("const char*") String nnk_isa();
}
