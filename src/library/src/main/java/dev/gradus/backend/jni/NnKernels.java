// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of {@code native/include/nn_kernels.h}: one Java method per C kernel, same name,
 * same argument order (outputs, inputs, hyperparameters, sizes). Arrays are passed as plain addresses
 * ({@code long}, cast to the C pointer type), so a call copies nothing, allocates nothing and reads no
 * mutable Java state. Unchecked, hence package-private: only {@link NativeBackend} calls it, after
 * {@code Checks} and with every tensor acquired; a wrong size here reads or writes out of bounds. The
 * semantics of every kernel are in the header and in {@code dev.gradus.backend.Backend}.
 *
 * <p>Inherits the {@code openblas_nolapack} preset, so that exactly one OpenBLAS is loaded (the one
 * {@code org.bytedeco.openblas.global.openblas_nolapack} calls) and libnnkernels links against it.
 */
@Properties(inherit = org.bytedeco.openblas.presets.openblas_nolapack.class,
        value = @Platform(include = "nn_kernels.h", link = "nnkernels"))
final class NnKernels {
    static {
        Loader.load();
    }

    private NnKernels() {}

    // ---- runtime
    static native @Cast("const char*") String nnk_isa();
    static native @Cast("const char*") String nnk_blas_config();
    static native @Cast("const char*") String nnk_blas_core();
    static native int nnk_blas_threads();
    static native void nnk_set_threads(int nthreads);
    static native int nnk_threads();
    static native void sgemm(@Cast("float*") long c, @Cast("const float*") long a, @Cast("const float*") long b,
            int transA, int transB, float alpha, float beta, int M, int N, int K, int lda, int ldb, int ldc);
    static native void nnk_set_gemm_threshold(@Cast("int64_t") long flops);
    static native @Cast("int64_t") long nnk_gemm_threshold();
    static native void nnk_set_flush_denormals(int on);
    static native int nnk_flush_denormals();
    static native void nnk_set_parallel_threshold(@Cast("int64_t") long elements);
    static native @Cast("int64_t") long nnk_parallel_threshold();

    // ---- activations
    static native void activation_forward(@Cast("float*") long out, @Cast("float*") long inp,
            @Cast("const float*") long bias, int kind, float param, int N, int C);
    static native void activation_backward(@Cast("float*") long dinp, @Cast("float*") long dbias,
            @Cast("const float*") long dout, @Cast("const float*") long inp, @Cast("const float*") long out,
            int kind, float param, int N, int C);

    // ---- losses
    static native double loss_forward(@Cast("const float*") long pred, @Cast("const float*") long target, int kind,
            float delta, @Cast("int64_t") long n);
    static native @Cast("int64_t") long loss_forward_refused();
    static native void loss_backward(@Cast("float*") long dpred, @Cast("const float*") long pred,
            @Cast("const float*") long target, int kind, float delta, @Cast("int64_t") long n);
    static native double crossentropy_softmax_forward(@Cast("const float*") long logits,
            @Cast("const int32_t*") long labels, int N, int C);
    static native @Cast("int64_t") long crossentropy_softmax_backward(@Cast("float*") long dlogits,
            @Cast("const float*") long logits, @Cast("const int32_t*") long labels, int N, int C);
    static native @Cast("int64_t") long nnk_bad_label();

    // ---- convolution and pooling
    static native void conv2d_forward(@Cast("float*") long out, @Cast("const float*") long inp,
            @Cast("const float*") long weight, @Cast("const float*") long bias, @Cast("float*") long cols,
            int N, int OC, int group, int slots, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
    static native void conv2d_backward_input(@Cast("float*") long dinp, @Cast("const float*") long dout,
            @Cast("const float*") long weight, @Cast("float*") long cols, int N, int OC, int group, int slots, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
    static native void conv2d_backward_weight(@Cast("float*") long dweight, @Cast("float*") long dbias,
            @Cast("const float*") long dout, @Cast("const float*") long inp, @Cast("float*") long cols,
            int N, int OC, int group, int slots, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
    static native void maxpool2d_forward(@Cast("float*") long out, @Cast("float*") long argmax,
            @Cast("const float*") long inp, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
    static native long maxpool2d_backward(@Cast("float*") long dinp, @Cast("const float*") long dout,
            @Cast("const float*") long argmax, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
    static native void avgpool2d_forward(@Cast("float*") long out, @Cast("const float*") long inp,
            int countIncludePad, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
    static native void avgpool2d_backward(@Cast("float*") long dinp, @Cast("const float*") long dout,
            int countIncludePad, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);

    // ---- normalization
    static native void batchnorm_forward(@Cast("float*") long out, @Cast("float*") long stats,
            @Cast("float*") long runningMean, @Cast("float*") long runningVar, @Cast("const float*") long inp,
            @Cast("const float*") long gamma, @Cast("const float*") long beta, double eps, double momentum,
            int training, int N, int C, int S);
    static native void batchnorm_backward(@Cast("float*") long dinp, @Cast("float*") long dgamma,
            @Cast("float*") long dbeta, @Cast("const float*") long dout, @Cast("const float*") long inp,
            @Cast("const float*") long stats, @Cast("const float*") long gamma, int training, int N, int C, int S);
    static native void layernorm_forward(@Cast("float*") long out, @Cast("float*") long stats,
            @Cast("const float*") long inp, @Cast("const float*") long gamma, @Cast("const float*") long beta,
            double eps, @Cast("int64_t") long G, int D);
    static native void layernorm_backward(@Cast("float*") long dinp, @Cast("float*") long dgamma,
            @Cast("float*") long dbeta, @Cast("const float*") long dout, @Cast("const float*") long inp,
            @Cast("const float*") long stats, @Cast("const float*") long gamma, @Cast("int64_t") long G, int D);

    // ---- dropout
    static native void dropout_forward(@Cast("float*") long out, @Cast("float*") long mask,
            @Cast("const float*") long inp, float p, float scale, @Cast("int64_t") long seed, @Cast("int64_t") long n);
    static native void dropout_backward(@Cast("float*") long dinp, @Cast("const float*") long dout,
            @Cast("const float*") long mask, @Cast("int64_t") long n);

    // ---- optimizer updates (scalars precomputed by NativeBackend)
    static native void sgd_update(@Cast("float*") long param, @Cast("float*") long momentum_buf,
            @Cast("const float*") long grad, float neg_lr, float momentum, float one_minus_dampening,
            float weight_decay, int nesterov, int first_step, @Cast("int64_t") long n);
    static native void adagrad_update(@Cast("float*") long param, @Cast("float*") long sum,
            @Cast("const float*") long grad, float neg_clr, float weight_decay, float eps, @Cast("int64_t") long n);
    static native void rmsprop_update(@Cast("float*") long param, @Cast("float*") long square_avg,
            @Cast("float*") long momentum_buf, @Cast("float*") long grad_avg, @Cast("const float*") long grad,
            float neg_lr, float alpha, float one_minus_alpha, float eps, float weight_decay, float momentum,
            @Cast("int64_t") long n);
    static native void adam_update(@Cast("float*") long param, @Cast("float*") long exp_avg,
            @Cast("float*") long exp_avg_sq, @Cast("float*") long max_exp_avg_sq, @Cast("const float*") long grad,
            float neg_step_size, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
            float bias_correction2_sqrt, float eps, float weight_decay, @Cast("int64_t") long n);
    static native void adamw_update(@Cast("float*") long param, @Cast("float*") long exp_avg,
            @Cast("float*") long exp_avg_sq, @Cast("float*") long max_exp_avg_sq, @Cast("const float*") long grad,
            float neg_step_size, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
            float bias_correction2_sqrt, float eps, float decay, @Cast("int64_t") long n);

    // ---- clipping
    static native double sum_of_squares(@Cast("const float*") long x, @Cast("int64_t") long n);
    static native void scale(@Cast("float*") long x, float s, @Cast("int64_t") long n);
    static native void fill_zero(@Cast("float*") long x, @Cast("int64_t") long n);
    static native void clamp(@Cast("float*") long x, float lo, float hi, @Cast("int64_t") long n);
}
