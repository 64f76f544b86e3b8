// SPDX-License-Identifier: Apache-2.0
// Gradus native kernels: plain extern "C" functions over float* and sizes, called from Java
// (dev.gradus.backend.jni.NnKernels) after every argument was checked there. GEMM is OpenBLAS's
// cblas_sgemm, run single-threaded inside blocks that our pool splits (gemm.cpp).
//
// Conventions (the same as the Java Backend interface):
// - Size letters: N = batch rows, C = features of a row (in features of a layer), OC = out features;
//   n = a flat element count. Everything is row-major float32; a dense weight is (OC, C).
// - Arguments: outputs first, then inputs, then hyperparameters, then sizes (llm.c).
//   Gradient arguments carry a d prefix (dinp, dout, dbias).
// - Forward kernels overwrite their outputs. Backward kernels overwrite activation gradients
//   (dinp, dpred, dlogits) and accumulate (+=) into parameter gradients (dbias).
// - An output may be the very same pointer as an input only where a kernel says so (in place);
//   otherwise pointers never overlap. Java guarantees it.
// - Kernels never allocate, print or exit. Large calls are split over the thread pool below into
//   pieces chosen from the call's sizes alone, and every reduction combines its per-piece partials
//   in a fixed order, so a result depends only on the inputs: never on the thread count or timing.
// - Never -ffast-math. The optimizer kernels are built with -ffp-contract=off: a*b+c is two roundings
//   unless the kernel writes fmaf, so they follow the documented order of operations on every ISA
//   clone (bit-identical to the Java reference). Activations and losses may contract a*b+c to an FMA
//   (AVX2/AVX-512 clones): their results agree with the reference within a few ulp, not bit for bit.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- runtime ---------------------------------------------------------------------------------

// The instruction set of the kernel clones that run on this CPU: "avx512" (x86-64-v4),
// "avx2" (x86-64-v3: AVX2 + FMA) or "baseline" (x86-64: SSE2).
const char* nnk_isa(void);

// OpenBLAS's build configuration string (openblas_get_config) and its thread count (kept at 1: it
// runs inside the pool's GEMM blocks).
const char* nnk_blas_config(void);
// The OpenBLAS kernel that runs (openblas_get_corename: "Haswell", "SkylakeX", "Cooperlake", ...):
// chosen at load for this CPU, or forced by the environment variable OPENBLAS_CORETYPE.
const char* nnk_blas_core(void);
int nnk_blas_threads(void);

// Threads used by our kernels and GEMM blocks (this thread plus nthreads - 1 pooled workers, which
// watch for the next call for 300 us, then sleep on a condition variable). Call nnk_set_threads only
// while no kernel runs.
void nnk_set_threads(int nthreads);
int nnk_threads(void);

// Subnormal floats: flushed to zero inside every kernel and GEMM (FTZ|DAZ, the default: they cost
// ~100 cycles per operation on many x86 CPUs), or kept (0: IEEE, as PyTorch's default). The calling
// thread's floating-point mode is restored on return.
void nnk_set_flush_denormals(int on);
int nnk_flush_denormals(void);

// Calls with at least this many elements are split over the pool (smaller ones run on the caller).
void nnk_set_parallel_threshold(int64_t elements);
int64_t nnk_parallel_threshold(void);

// ---- GEMM ------------------------------------------------------------------------------------

// c is (M,N), op(a) is (M,K), op(b) is (K,N), row-major with leading dimensions lda, ldb, ldc;
// op is the transpose when trans_a / trans_b is non-zero. c = alpha·op(a)·op(b) + beta·c, and
// beta == 0 ignores c's contents. Products of at least the GEMM threshold (flops = 2·M·N·K) are
// split into 2 blocks of c's longer side, each a single-threaded cblas_sgemm, over the pool; smaller
// skinny ones into the blocks OpenBLAS computes unpacked, in turn on the caller (gemm.cpp).
void sgemm(float* c, const float* a, const float* b, int trans_a, int trans_b, float alpha, float beta,
           int M, int N, int K, int lda, int ldb, int ldc);
void nnk_set_gemm_threshold(int64_t flops);
int64_t nnk_gemm_threshold(void);

// ---- activations (codes = dev.gradus.Activation.Kind ordinals) ------------------------------
enum {
    NNK_IDENTITY = 0, NNK_SIGMOID = 1, NNK_TANH = 2, NNK_RELU = 3, NNK_LEAKY_RELU = 4,
    NNK_ELU = 5, NNK_GELU = 6, NNK_SOFTPLUS = 7, NNK_SOFTMAX = 8
};

// inp is (N,C), bias is (1,C) or NULL, out is (N,C); param is leaky_relu's slope or elu's alpha.
// inp += bias (row-broadcast, in place), then out = act(inp). out may be inp.
// Definitions (torch 1.13): sigmoid 1/(1+e^-x); relu x<0 ? 0 : x (NaN and -0.0 kept); leaky_relu x>0 ? x : slope*x;
// elu x>0 ? x : alpha*expm1(x); gelu x*0.5*(1+erf(x/sqrt 2)); softplus x>20 ? x : log1p(e^x);
// softmax e^(x-max)/sum over each row. Transcendentals are nnk_math.h's (<= 3 ulp; softplus is computed
// as max(x,0) + log1p(e^-|x|)).
void activation_forward(float* out, float* inp, const float* bias, int kind, float param, int N, int C);

// dinp, dout, inp (pre-activation), out (activation) are (N,C); dbias is (1,C) or NULL.
// dinp = dout * act'(inp) (softmax: out*(dout - sum(dout*out)) per row); then dbias += column sums
// of dinp, each summed in double over the rows in order. dinp may be dout.
// sigmoid' = (1-out)*out; tanh' = 1-out*out; relu' = out<=0 ? 0 : 1 (NaN passes); leaky' = x>0 ? 1 : slope;
// elu' = x>0 ? 1 : alpha*e^x; gelu' = Phi(x) + x*phi(x); softplus' = x>20 ? 1 : z/(z+1), z = e^x.
void activation_backward(float* dinp, float* dbias, const float* dout, const float* inp, const float* out,
                         int kind, float param, int N, int C);

// ---- losses (codes = dev.gradus.Loss.Kind ordinals), means over all n elements ---------------
enum { NNK_MSE = 0, NNK_L1 = 1, NNK_HUBER = 2, NNK_BCE = 3, NNK_BCE_WITH_LOGITS = 4 };

// pred and target are (n). Returns the mean element loss, each element's loss computed in float
// as torch does and summed in double: mse d^2 (d = pred - target); l1 |d|; huber |d|<delta ?
// 0.5 d^2 : delta(|d| - 0.5 delta); bce -(t*max(log p,-100) + (1-t)*max(log(1-p),-100));
// bce_with_logits (1-t)x + m + log1p(e^-|x|), m = max(-x, 0) (torch's log(e^-m + e^(-x-m)), rewritten).
// bce refuses a prediction outside [0, 1] (NaN included), as torch does: it then returns NaN and
// loss_forward_refused, called next on the same thread, gives the first such element's index
// (whatever the thread count); otherwise that is -1.
double loss_forward(const float* pred, const float* target, int kind, float delta, int64_t n);
int64_t loss_forward_refused(void);

// dpred = d mean-loss / d pred, all (n): mse (2/n)(p-t); l1 sgn(p-t)/n; huber clamp(p-t,-delta,delta)/n;
// bce (p-t)/max((1-p)p, 1e-12)/n; bce_with_logits (sigmoid(x)-t)/n.
void loss_backward(float* dpred, const float* pred, const float* target, int kind, float delta, int64_t n);

// logits is (N,C), labels is (N). Returns the mean over rows of log(sum e^(x-max)) + max - x[label]
// (max-subtracted, summed in double). Each label is read once and checked before it is used (another
// thread may be rewriting them): if one is outside [0,C), returns NaN and nnk_bad_label() reports it.
double crossentropy_softmax_forward(const float* logits, const int32_t* labels, int N, int C);

// dlogits = (softmax(logits) - onehot(labels)) / N, all (N,C). Labels are checked as in the forward:
// returns -1, or the first label outside [0,C) as nnk_bad_label() reports it (dlogits is then partial).
int64_t crossentropy_softmax_backward(float* dlogits, const float* logits, const int32_t* labels, int N, int C);

// The first label outside [0,C) that the calling thread's last cross-entropy call met, as
// row << 32 | (uint32) label, or -1 when it met none.
int64_t nnk_bad_label(void);

// ---- dropout ---------------------------------------------------------------------------------

// out, mask, inp are (n); 0 <= p < 1; scale is 1/(1-p) as the caller rounds it (Java: 1f / (float)
// (1 - p as a Python float)). For element i (0-based row-major index, as uint64), with wrapping
// 64-bit arithmetic and logical shifts:
//   splitmix64(x): z = x + 0x9E3779B97F4A7C15; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//                  z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)
//   keep(i) = (splitmix64(seed ^ (i * 0x9E3779B97F4A7C15)) >> 40) >= floor(p * 2^24)
//   mask[i] = keep(i) ? scale : 0;  out[i] = inp[i] * mask[i]
// (p * 2^24 is exact in double.) A pure function of (seed, i): the same mask on every backend and
// thread count. out may be inp.
void dropout_forward(float* out, float* mask, const float* inp, float p, float scale, int64_t seed, int64_t n);

// dinp = dout * mask, all (n). dinp may be dout.
void dropout_backward(float* dinp, const float* dout, const float* mask, int64_t n);

// ---- convolution and pooling over NCHW rows (windows.cpp) -----------------------------------
// A sample is C planes of H×W; the window is kh×kw with stride (sh, sw), zero padding (ph, pw) and
// dilation (dh, dw); OH = (H + 2ph − dh(kh−1) − 1)/sh + 1, OW likewise. The caller (Java) validated
// every size; semantics as dev.gradus.backend.Backend states them.

// out (N, OC·OH·OW) = conv2d(inp (N, C·H·W), weight (OC, C·kh·kw)) + bias (OC, or NULL). The batch
// runs in groups of `group` samples, in `slots` parallel runs; scratch holds, per slot,
// (C·kh·kw + OC)·group·OH·OW + OC·C·kh·kw floats (Window2d.convScratch).
void conv2d_forward(float* out, const float* inp, const float* weight, const float* bias, float* cols,
                    int N, int OC, int group, int slots, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
// dinp (N, C·H·W) = conv2d's input gradient, overwritten.
void conv2d_backward_input(float* dinp, const float* dout, const float* weight, float* cols,
                           int N, int OC, int group, int slots, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
// dweight += weight gradient; dbias (or NULL) += Σ dout per output channel.
void conv2d_backward_weight(float* dweight, float* dbias, const float* dout, const float* inp, float* cols,
                            int N, int OC, int group, int slots, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
// out, argmax (N, C·OH·OW); argmax holds the index within the sample's C·H·W as a float.
void maxpool2d_forward(float* out, float* argmax, const float* inp, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
// Returns -1, or the position of the first argmax outside the sample (then nothing is written).
int64_t maxpool2d_backward(float* dinp, const float* dout, const float* argmax, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
void avgpool2d_forward(float* out, const float* inp, int count_include_pad, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);
void avgpool2d_backward(float* dinp, const float* dout, int count_include_pad, int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);

// ---- normalization (norms.cpp) ----------------------------------------------------------------
// Statistics are summed in double; semantics as dev.gradus.backend.Backend states them.

// inp, out (N, C·S): C channels of S values per sample (S = H·W for BatchNorm2d, 1 for BatchNorm1d).
// stats (2·C) receives each channel's mean and 1/sqrt(var + eps). training: the batch mean and biased
// variance over N·S (> 1) values, then running = momentum·batch + (1 − momentum)·running (the variance
// unbiased); else the running statistics, unchanged. out = (x − mean)·invstd·gamma + beta.
void batchnorm_forward(float* out, float* stats, float* running_mean, float* running_var, const float* inp,
                       const float* gamma, const float* beta, double eps, double momentum, int training,
                       int N, int C, int S);
// dgamma += Σ dout·x̂, dbeta += Σ dout per channel; dinp (or NULL) = the input gradient, through the batch
// statistics (training) or with stats as constants.
void batchnorm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout, const float* inp,
                        const float* stats, const float* gamma, int training, int N, int C, int S);
// inp, out (G·D): G groups of D values, each normalized with its mean and biased variance, then
// ·gamma + beta (D values); stats (2·G) receives each group's mean and 1/sqrt(var + eps).
void layernorm_forward(float* out, float* stats, const float* inp, const float* gamma, const float* beta,
                       double eps, int64_t G, int D);
// dgamma, dbeta (D) += their gradients; dinp (or NULL) = the input gradient, overwritten.
void layernorm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout, const float* inp,
                        const float* stats, const float* gamma, int64_t G, int D);

// ---- optimizer updates: one pass over a contiguous (n) parameter buffer ----------------------
// Each follows torch.optim 1.13's single-tensor path for float32 tensors, one rounding per tensor
// operation in torch's order. The scalar arguments are the float32 values torch hands to its tensor
// ops, computed by the caller in double from the hyperparameters as Python floats (Java:
// NativeBackend). Notation: add(a, s, b) = fma(b, s, a) (torch's a.add(b, alpha=s), an fmadd in
// ATen's vectorized kernel); addcmul(a, s, b, c) = fma(s*b, c, a); addcdiv(a, s, b, c) = a + s*b/c.
// A state buffer pointer is NULL exactly when the configuration does not use it.

// SGD: d = grad; wd != 0: d = add(d, wd, param); with momentum_buf:
//   buf = first_step ? d : add(buf*momentum, one_minus_dampening, d); d = nesterov ? add(d, momentum, buf) : buf;
// param = add(param, neg_lr, d).
void sgd_update(float* param, float* momentum_buf, const float* grad, float neg_lr, float momentum,
                float one_minus_dampening, float weight_decay, int nesterov, int first_step, int64_t n);

// Adagrad: g = grad; wd != 0: g = add(g, wd, param); sum = addcmul(sum, 1, g, g);
// param = addcdiv(param, neg_clr, g, sqrt(sum) + eps), clr = lr / (1 + (step-1)*lr_decay).
// The initial accumulator value is the Java optimizer's: it fills sum before step 1.
void adagrad_update(float* param, float* sum, const float* grad, float neg_clr, float weight_decay, float eps,
                    int64_t n);

// RMSprop: g = grad; wd != 0: g = add(g, wd, param); sq = addcmul(sq*alpha, one_minus_alpha, g, g);
// grad_avg (centered): ga = add(ga*alpha, one_minus_alpha, g), avg = sqrt(addcmul(sq, -1, ga, ga));
// else avg = sqrt(sq); avg = avg + eps;
// momentum_buf: buf = addcdiv(buf*momentum, 1, g, avg), param = add(param, neg_lr, buf);
// else param = addcdiv(param, neg_lr, g, avg).
void rmsprop_update(float* param, float* square_avg, float* momentum_buf, float* grad_avg, const float* grad,
                    float neg_lr, float alpha, float one_minus_alpha, float eps, float weight_decay, float momentum,
                    int64_t n);

// Adam: g = grad; wd != 0: g = add(g, wd, param); m = add(m*beta1, one_minus_beta1, g);
// v = addcmul(v*beta2, one_minus_beta2, g, g); max_exp_avg_sq (amsgrad): vmax = max(vmax, v), v' = vmax;
// denom = sqrt(v')/bias_correction2_sqrt + eps; param = addcdiv(param, neg_step_size, m, denom),
// step_size = lr / (1 - beta1^step), bias_correction2_sqrt = sqrt(1 - beta2^step).
void adam_update(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad,
                 float neg_step_size, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                 float bias_correction2_sqrt, float eps, float weight_decay, int64_t n);

// AdamW: param = param * decay (decay = 1 - lr*weight_decay), then adam_update's rule without weight decay.
void adamw_update(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad,
                  float neg_step_size, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                  float bias_correction2_sqrt, float eps, float decay, int64_t n);

// ---- gradient clipping -----------------------------------------------------------------------

// sum of x[i]^2 in double (x is (n)).
double sum_of_squares(const float* x, int64_t n);

// x *= s, in place.
void scale(float* x, float s, int64_t n);

// x = +0 (a network's gradients), split as sgd_update with momentum splits the same n.
void fill_zero(float* x, int64_t n);

// x = min(max(x, lo), hi), in place; NaN stays NaN (as torch.clamp).
void clamp(float* x, float lo, float hi, int64_t n);

#ifdef __cplusplus
}
#endif
