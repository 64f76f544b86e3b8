// SPDX-License-Identifier: Apache-2.0
/**
 * The native backend: {@link dev.gradus.backend.jni.NativeBackend} (OpenBLAS {@code cblas_sgemm} plus
 * the C++ kernels of {@code native/}). Its JavaCPP binding, {@code NnKernels}, is package-private: it
 * takes plain addresses and checks nothing, so only NativeBackend calls it, after {@code Checks} and
 * with every tensor held.
 */
package dev.gradus.backend.jni;
