// SPDX-License-Identifier: Apache-2.0
/**
 * The native backend: {@link dev.gradus.backend.jni.NativeBackend} (OpenBLAS {@code cblas_sgemm} plus
 * the C++ kernels of {@code native/}) and its JavaCPP binding {@link dev.gradus.backend.jni.NnKernels}.
 */
package dev.gradus.backend.jni;
