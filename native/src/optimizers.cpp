// SPDX-License-Identifier: Apache-2.0
// Optimizer updates, each one pass over the contiguous parameter buffer, following torch.optim
// 1.13's single-tensor path (sgd.py, adagrad.py, rmsprop.py, adam.py, adamw.py) for float32 tensors,
// operation by operation and rounding by rounding: the scalar coefficients (Python floats in torch)
// arrive precomputed from Java; add/addcmul use a fused multiply-add as ATen's vectorized kernels do
// (this file is built with -ffp-contract=off, so nothing else fuses). The same arithmetic as
// ReferenceBackend's OptimizerRules, hence bit-identical results. Then sum of squares, scale, clamp.
#include <string.h>
#include "nnk_internal.h"
#include "nnk_math.h"

namespace {

struct OptArgs {
    float* param; float* s1; float* s2; float* s3; const float* grad;
    float c1, c2, c3, c4, c5, c6, c7, c8; int flag1, flag2;
    double partial[NNK_MAX_THREADS];
};

// torch's a.add(b, alpha=s): ATen's vectorized add is an fmadd.
NNK_INLINE float add(float a, float s, float b) { return __builtin_fmaf(b, s, a); }
// torch's a.addcmul(b, c, value=s): a + s*b*c, contracted by the compiler on FMA CPUs.
NNK_INLINE float addcmul(float a, float s, float b, float c) { return __builtin_fmaf(s * b, c, a); }
// torch's a.addcdiv(b, c, value=s): a + s*b/c, each step rounded.
NNK_INLINE float addcdiv(float a, float s, float b, float c) { return a + s * b / c; }

// ---- SGD ---------------------------------------------------------------------------------------
// c1 = -lr, c2 = momentum, c3 = 1 - dampening, c4 = weight decay; flag1 = nesterov, flag2 = first step.
template <bool MOMENTUM, bool FIRST, bool NESTEROV>
NNK_INLINE void sgd_loop(float* __restrict p, float* __restrict buf, const float* __restrict grad, const OptArgs& a,
                         int64_t n) {
    const float neg_lr = a.c1, mom = a.c2, damp1 = a.c3, wd = a.c4;
    for (int64_t i = 0; i < n; i++) {
        float d = grad[i];
        d = wd != 0.0f ? add(d, wd, p[i]) : d;
        if (MOMENTUM) {
            float b = FIRST ? d : add(buf[i] * mom, damp1, d);   // buf = clone(d_p) at the first step
            buf[i] = b;
            d = NESTEROV ? add(d, mom, b) : b;
        }
        p[i] = add(p[i], neg_lr, d);
    }
}

NNK_CLONES void sgd_range(float* p, float* buf, const float* grad, const OptArgs& a, int64_t n) {
    const bool nesterov = a.flag1, first = a.flag2;
    if (!buf) sgd_loop<false, false, false>(p, buf, grad, a, n);
    else if (first) nesterov ? sgd_loop<true, true, true>(p, buf, grad, a, n) : sgd_loop<true, true, false>(p, buf, grad, a, n);
    else nesterov ? sgd_loop<true, false, true>(p, buf, grad, a, n) : sgd_loop<true, false, false>(p, buf, grad, a, n);
}

void sgd_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    sgd_range(a.param + b, a.s1 ? a.s1 + b : nullptr, a.grad + b, a, e - b);
}

// ---- Adagrad -----------------------------------------------------------------------------------
// c1 = -clr, c2 = weight decay, c3 = eps.
NNK_CLONES void adagrad_range(float* __restrict p, float* __restrict sum, const float* __restrict grad, const OptArgs& a,
                              int64_t n) {
    const float neg_clr = a.c1, wd = a.c2, eps = a.c3;
    for (int64_t i = 0; i < n; i++) {
        float g = grad[i];
        g = wd != 0.0f ? add(g, wd, p[i]) : g;
        float s = addcmul(sum[i], 1.0f, g, g);
        sum[i] = s;
        float std = sqrtf(s) + eps;
        p[i] = addcdiv(p[i], neg_clr, g, std);
    }
}

void adagrad_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    adagrad_range(a.param + b, a.s1 + b, a.grad + b, a, e - b);
}

// ---- RMSprop -----------------------------------------------------------------------------------
// c1 = -lr, c2 = alpha, c3 = 1 - alpha, c4 = eps, c5 = weight decay, c6 = momentum.
template <bool CENTERED, bool MOMENTUM>
NNK_INLINE void rmsprop_loop(float* __restrict p, float* __restrict sq, float* __restrict buf, float* __restrict gavg,
                             const float* __restrict grad, const OptArgs& a, int64_t n) {
    const float neg_lr = a.c1, alpha = a.c2, alpha1 = a.c3, eps = a.c4, wd = a.c5, mom = a.c6;
    for (int64_t i = 0; i < n; i++) {
        float g = grad[i];
        g = wd != 0.0f ? add(g, wd, p[i]) : g;
        float s = addcmul(sq[i] * alpha, alpha1, g, g);
        sq[i] = s;
        float avg;
        if (CENTERED) {
            float ga = add(gavg[i] * alpha, alpha1, g);
            gavg[i] = ga;
            avg = sqrtf(addcmul(s, -1.0f, ga, ga));
        } else {
            avg = sqrtf(s);
        }
        avg = avg + eps;
        if (MOMENTUM) {
            float b = addcdiv(buf[i] * mom, 1.0f, g, avg);
            buf[i] = b;
            p[i] = add(p[i], neg_lr, b);
        } else {
            p[i] = addcdiv(p[i], neg_lr, g, avg);
        }
    }
}

NNK_CLONES void rmsprop_range(float* p, float* sq, float* buf, float* gavg, const float* grad, const OptArgs& a,
                              int64_t n) {
    if (gavg) {
        if (buf) rmsprop_loop<true, true>(p, sq, buf, gavg, grad, a, n); else rmsprop_loop<true, false>(p, sq, buf, gavg, grad, a, n);
    } else {
        if (buf) rmsprop_loop<false, true>(p, sq, buf, gavg, grad, a, n); else rmsprop_loop<false, false>(p, sq, buf, gavg, grad, a, n);
    }
}

void rmsprop_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    rmsprop_range(a.param + b, a.s1 + b, a.s2 ? a.s2 + b : nullptr, a.s3 ? a.s3 + b : nullptr, a.grad + b, a, e - b);
}

// ---- Adam / AdamW --------------------------------------------------------------------------------
// c1 = -step_size, c2 = beta1, c3 = 1 - beta1, c4 = beta2, c5 = 1 - beta2, c6 = sqrt(bias_correction2),
// c7 = eps, c8 = L2 weight decay (Adam) or the decoupled decay factor 1 - lr*wd (AdamW); flag1 = AdamW.
template <bool DECOUPLED, bool AMSGRAD>
NNK_INLINE void adam_loop(float* __restrict p, float* __restrict m, float* __restrict v, float* __restrict vmax,
                          const float* __restrict grad, const OptArgs& a, int64_t n) {
    const float neg_step = a.c1, b1 = a.c2, b1c = a.c3, b2 = a.c4, b2c = a.c5, bc2_sqrt = a.c6, eps = a.c7, w = a.c8;
    for (int64_t i = 0; i < n; i++) {
        float pi = p[i], g = grad[i];
        if (DECOUPLED) pi = pi * w;                   // param.mul_(1 - lr * weight_decay)
        else g = w != 0.0f ? add(g, w, pi) : g;       // grad.add(param, alpha=weight_decay)
        float mi = add(m[i] * b1, b1c, g);
        float vi = addcmul(v[i] * b2, b2c, g, g);
        m[i] = mi;
        v[i] = vi;
        if (AMSGRAD) { vi = vmax[i] > vi ? vmax[i] : vi; vmax[i] = vi; }   // torch.maximum(max_exp_avg_sq, v)
        float denom = sqrtf(vi) / bc2_sqrt + eps;
        p[i] = addcdiv(pi, neg_step, mi, denom);
    }
}

// Loop-invariant choices become template arguments: a branch inside the loop stops vectorization.
NNK_CLONES void adam_range(float* p, float* m, float* v, float* vmax, const float* grad, const OptArgs& a, int64_t n) {
    if (a.flag1) {
        if (vmax) adam_loop<true, true>(p, m, v, vmax, grad, a, n); else adam_loop<true, false>(p, m, v, vmax, grad, a, n);
    } else {
        if (vmax) adam_loop<false, true>(p, m, v, vmax, grad, a, n); else adam_loop<false, false>(p, m, v, vmax, grad, a, n);
    }
}

void adam_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    adam_range(a.param + b, a.s1 + b, a.s2 + b, a.s3 ? a.s3 + b : nullptr, a.grad + b, a, e - b);
}

// ---- clipping helpers ------------------------------------------------------------------------------

NNK_CLONES double sum_squares_range(const float* __restrict x, int64_t n) {
    double lane[NNK_LANES] = {0};   // element i in lane i % NNK_LANES: the same order on every clone
    int64_t i = 0;
    for (; i + NNK_LANES <= n; i += NNK_LANES) {
        for (int k = 0; k < NNK_LANES; k++) { double v = x[i + k]; lane[k] += v * v; }
    }
    for (int k = 0; k < NNK_LANES && i + k < n; k++) { double v = x[i + k]; lane[k] += v * v; }
    return nnk_lanes_total(lane);
}

void sum_squares_task(void* ctx, int64_t b, int64_t e, int part) {
    OptArgs& a = *(OptArgs*) ctx;
    a.partial[part] = sum_squares_range(a.grad + b, e - b);
}

NNK_CLONES void scale_range(float* __restrict x, float s, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] *= s;
}

void scale_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    scale_range(a.param + b, a.c1, e - b);
}

NNK_CLONES void clamp_range(float* __restrict x, float lo, float hi, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        v = v < lo ? lo : v;   // a NaN fails both comparisons and stays NaN
        v = v > hi ? hi : v;
        x[i] = v;
    }
}

void zero_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    memset(a.param + b, 0, sizeof(float) * (e - b));
}

void clamp_task(void* ctx, int64_t b, int64_t e, int) {
    const OptArgs& a = *(const OptArgs*) ctx;
    clamp_range(a.param + b, a.c1, a.c2, e - b);
}

}  // namespace

// ---- sgd_update / adagrad_update / rmsprop_update / adam_update / adamw_update -----------------
// The work that decides the split counts every array an update reads or writes, not the parameters:
// network A's 100k parameters with momentum (1.2 MB of arrays) are split, and so stay with the thread
// whose cache holds their share from the weight gradient.

// param, momentum_buf (or NULL), grad are (n).
NNK_API void sgd_update(float* param, float* momentum_buf, const float* grad, float neg_lr, float momentum,
                        float one_minus_dampening, float weight_decay, int nesterov, int first_step, int64_t n) {
    OptArgs a{};
    a.param = param; a.s1 = momentum_buf; a.grad = grad;
    a.c1 = neg_lr; a.c2 = momentum; a.c3 = one_minus_dampening; a.c4 = weight_decay;
    a.flag1 = nesterov; a.flag2 = first_step;
    nnk_parallel(sgd_task, &a, n, (momentum_buf ? 3 : 2) * n, 16);
}

// param, sum, grad are (n).
NNK_API void adagrad_update(float* param, float* sum, const float* grad, float neg_clr, float weight_decay, float eps,
                            int64_t n) {
    OptArgs a{};
    a.param = param; a.s1 = sum; a.grad = grad;
    a.c1 = neg_clr; a.c2 = weight_decay; a.c3 = eps;
    nnk_parallel(adagrad_task, &a, n, 3 * n, 16);
}

// param, square_avg, momentum_buf (or NULL), grad_avg (or NULL), grad are (n).
NNK_API void rmsprop_update(float* param, float* square_avg, float* momentum_buf, float* grad_avg, const float* grad,
                            float neg_lr, float alpha, float one_minus_alpha, float eps, float weight_decay,
                            float momentum, int64_t n) {
    OptArgs a{};
    a.param = param; a.s1 = square_avg; a.s2 = momentum_buf; a.s3 = grad_avg; a.grad = grad;
    a.c1 = neg_lr; a.c2 = alpha; a.c3 = one_minus_alpha; a.c4 = eps; a.c5 = weight_decay; a.c6 = momentum;
    nnk_parallel(rmsprop_task, &a, n, (2 + (momentum_buf != nullptr) + (grad_avg != nullptr)) * n, 16);
}

// param, exp_avg, exp_avg_sq, max_exp_avg_sq (or NULL), grad are (n). L2 weight decay.
NNK_API void adam_update(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad,
                         float neg_step_size, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                         float bias_correction2_sqrt, float eps, float weight_decay, int64_t n) {
    OptArgs a{};
    a.param = param; a.s1 = exp_avg; a.s2 = exp_avg_sq; a.s3 = max_exp_avg_sq; a.grad = grad;
    a.c1 = neg_step_size; a.c2 = beta1; a.c3 = one_minus_beta1; a.c4 = beta2; a.c5 = one_minus_beta2;
    a.c6 = bias_correction2_sqrt; a.c7 = eps; a.c8 = weight_decay; a.flag1 = 0;
    nnk_parallel(adam_task, &a, n, (max_exp_avg_sq ? 5 : 4) * n, 16);
}

// As adam_update, with decoupled weight decay: param *= decay (= 1 - lr*weight_decay) first.
NNK_API void adamw_update(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad,
                          float neg_step_size, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                          float bias_correction2_sqrt, float eps, float decay, int64_t n) {
    OptArgs a{};
    a.param = param; a.s1 = exp_avg; a.s2 = exp_avg_sq; a.s3 = max_exp_avg_sq; a.grad = grad;
    a.c1 = neg_step_size; a.c2 = beta1; a.c3 = one_minus_beta1; a.c4 = beta2; a.c5 = one_minus_beta2;
    a.c6 = bias_correction2_sqrt; a.c7 = eps; a.c8 = decay; a.flag1 = 1;
    nnk_parallel(adam_task, &a, n, (max_exp_avg_sq ? 5 : 4) * n, 16);
}

// ---- sum_of_squares / scale / clamp -------------------------------------------------------------

NNK_API double sum_of_squares(const float* x, int64_t n) {
    OptArgs a{};
    a.grad = x;
    int parts = nnk_parallel(sum_squares_task, &a, n, n, 16);
    double s = 0.0;
    for (int k = 0; k < parts; k++) s += a.partial[k];
    return s;
}

NNK_API void scale(float* x, float s, int64_t n) {
    OptArgs a{};
    a.param = x; a.c1 = s;
    nnk_parallel(scale_task, &a, n, n, 16);
}

// Zeroing writes n floats, but is counted as the update that reads them next (parameter, gradient,
// momentum): the same pieces, so each thread zeroes the share of the gradients its weight-gradient
// GEMM blocks then write, in its own cache, instead of pulling it into the caller's.
NNK_API void fill_zero(float* x, int64_t n) {
    OptArgs a{};
    a.param = x;
    nnk_parallel(zero_task, &a, n, 3 * n, 16);
}

NNK_API void clamp(float* x, float lo, float hi, int64_t n) {
    OptArgs a{};
    a.param = x; a.c1 = lo; a.c2 = hi;
    nnk_parallel(clamp_task, &a, n, n, 16);
}
