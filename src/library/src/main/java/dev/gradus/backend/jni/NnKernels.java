// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of {@code native/include/nn_kernels.h}: one Java method per C kernel, same name,
 * same argument order (outputs, inputs, hyperparameters, sizes). Pointers are passed by address, so
 * a call copies nothing and allocates nothing. Unchecked: only {@link NativeBackend} calls it, after
 * {@code Checks}; a wrong size here reads or writes out of bounds. The semantics of every kernel are
 * in the header and in {@code dev.gradus.backend.Backend}.
 *
 * <p>Inherits the {@code openblas_nolapack} preset, so that exactly one OpenBLAS is loaded (the one
 * {@code org.bytedeco.openblas.global.openblas_nolapack} calls) and libnnkernels links against it.
 */
@Properties(inherit = org.bytedeco.openblas.presets.openblas_nolapack.class,
        value = @Platform(include = "nn_kernels.h", link = "nnkernels"))
public final class NnKernels {
    static {
        Loader.load();
    }

    private NnKernels() {}

    // ---- runtime
    public static native @Cast("const char*") String nnk_isa();
    public static native @Cast("const char*") String nnk_blas_config();
    public static native @Cast("const char*") String nnk_blas_core();
    public static native int nnk_blas_threads();
    public static native void nnk_set_threads(int nthreads);
    public static native int nnk_threads();
    public static native void sgemm(FloatPointer c, @Const FloatPointer a, @Const FloatPointer b, int transA, int transB,
            float alpha, float beta, int M, int N, int K, int lda, int ldb, int ldc);
    public static native void nnk_set_gemm_threshold(@Cast("int64_t") long flops);
    public static native @Cast("int64_t") long nnk_gemm_threshold();
    public static native void nnk_set_flush_denormals(int on);
    public static native int nnk_flush_denormals();
    public static native void nnk_set_parallel_threshold(@Cast("int64_t") long elements);
    public static native @Cast("int64_t") long nnk_parallel_threshold();

    // ---- activations
    public static native void activation_forward(FloatPointer out, FloatPointer inp, @Const FloatPointer bias,
                                                 int kind, float param, int N, int C);
    public static native void activation_backward(FloatPointer dinp, FloatPointer dbias, @Const FloatPointer dout,
                                                  @Const FloatPointer inp, @Const FloatPointer out,
                                                  int kind, float param, int N, int C);

    // ---- losses
    public static native double loss_forward(@Const FloatPointer pred, @Const FloatPointer target, int kind,
                                             float delta, @Cast("int64_t") long n);
    public static native @Cast("int64_t") long loss_forward_refused();
    public static native void loss_backward(FloatPointer dpred, @Const FloatPointer pred, @Const FloatPointer target,
                                            int kind, float delta, @Cast("int64_t") long n);
    public static native double crossentropy_softmax_forward(@Const FloatPointer logits,
                                                             @Const @Cast("const int32_t*") IntPointer labels, int N, int C);
    public static native void crossentropy_softmax_backward(FloatPointer dlogits, @Const FloatPointer logits,
                                                            @Const @Cast("const int32_t*") IntPointer labels, int N, int C);

    // ---- dropout
    public static native void dropout_forward(FloatPointer out, FloatPointer mask, @Const FloatPointer inp, float p,
                                              float scale, @Cast("int64_t") long seed, @Cast("int64_t") long n);
    public static native void dropout_backward(FloatPointer dinp, @Const FloatPointer dout, @Const FloatPointer mask,
                                               @Cast("int64_t") long n);

    // ---- optimizer updates (scalars precomputed by NativeBackend)
    public static native void sgd_update(FloatPointer param, FloatPointer momentum_buf, @Const FloatPointer grad,
                                         float neg_lr, float momentum, float one_minus_dampening, float weight_decay,
                                         int nesterov, int first_step, @Cast("int64_t") long n);
    public static native void adagrad_update(FloatPointer param, FloatPointer sum, @Const FloatPointer grad,
                                             float neg_clr, float weight_decay, float eps, @Cast("int64_t") long n);
    public static native void rmsprop_update(FloatPointer param, FloatPointer square_avg, FloatPointer momentum_buf,
                                             FloatPointer grad_avg, @Const FloatPointer grad, float neg_lr, float alpha,
                                             float one_minus_alpha, float eps, float weight_decay, float momentum,
                                             @Cast("int64_t") long n);
    public static native void adam_update(FloatPointer param, FloatPointer exp_avg, FloatPointer exp_avg_sq,
                                          FloatPointer max_exp_avg_sq, @Const FloatPointer grad, float neg_step_size,
                                          float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                                          float bias_correction2_sqrt, float eps, float weight_decay,
                                          @Cast("int64_t") long n);
    public static native void adamw_update(FloatPointer param, FloatPointer exp_avg, FloatPointer exp_avg_sq,
                                           FloatPointer max_exp_avg_sq, @Const FloatPointer grad, float neg_step_size,
                                           float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                                           float bias_correction2_sqrt, float eps, float decay,
                                           @Cast("int64_t") long n);

    // ---- clipping
    public static native double sum_of_squares(@Const FloatPointer x, @Cast("int64_t") long n);
    public static native void scale(FloatPointer x, float s, @Cast("int64_t") long n);
    public static native void clamp(FloatPointer x, float lo, float hi, @Cast("int64_t") long n);
}
