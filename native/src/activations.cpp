// SPDX-License-Identifier: Apache-2.0
// Activations, forward and backward, with the bias add fused into the forward pass and the bias
// gradient (column sums) fused into the backward pass. Formulas follow torch 1.13's CPU kernels;
// nn_kernels.h states each one. The elementwise work is a loop over a row segment per kind, so that
// each loop vectorizes; the kind switch runs once per segment.
#include "nnk_internal.h"
#include "nnk_math.h"

namespace {

constexpr float kSqrt1_2 = 0.70710678118654752440f;                 // 1/sqrt(2)
constexpr float kGeluBeta = 0.39894228040143267794f;                // 1/sqrt(2*pi)
constexpr int64_t kColBlock = 512;                                   // dbias columns per stack block

template <int K> NNK_INLINE float act_f(float x, float a) {
    if constexpr (K == NNK_IDENTITY) return x;
    if constexpr (K == NNK_SIGMOID) return 1.0f / (1.0f + nnk_expf(-x));
    if constexpr (K == NNK_TANH) return nnk_tanhf(x);
    if constexpr (K == NNK_RELU) return x < 0.0f ? 0.0f : x;        // as torch: keeps NaN and -0.0
    if constexpr (K == NNK_LEAKY_RELU) return x > 0.0f ? x : x * a;
    if constexpr (K == NNK_ELU) return x > 0.0f ? x : nnk_expm1f(x) * a;
    if constexpr (K == NNK_GELU) return x * 0.5f * (1.0f + nnk_erff(x * kSqrt1_2));
    if constexpr (K == NNK_SOFTPLUS) {   // log1p(e^x) = max(x, 0) + log1p(e^-|x|): one exp, log1p on [0, 1]
        float ax = x < 0.0f ? -x : x;
        float r = (x > 0.0f ? x : 0.0f) + nnk_log1pf_unit(nnk_expf(-ax));
        return x > 20.0f ? x : r;
    }
    return x;
}

// d = dout * act'(x), y = act(x).
template <int K> NNK_INLINE float act_d(float d, float x, float y, float a) {
    if constexpr (K == NNK_IDENTITY) return d;
    if constexpr (K == NNK_SIGMOID) return d * (1.0f - y) * y;
    if constexpr (K == NNK_TANH) return d * (1.0f - y * y);
    if constexpr (K == NNK_RELU) return y <= 0.0f ? 0.0f : d;            // torch's threshold_backward on the result: NaN passes d
    if constexpr (K == NNK_LEAKY_RELU) return x > 0.0f ? d : d * a;
    if constexpr (K == NNK_ELU) return x > 0.0f ? d : d * a * nnk_expf(x);
    if constexpr (K == NNK_GELU) {
        float cdf = 0.5f * (1.0f + nnk_erff(x * kSqrt1_2));
        float pdf = nnk_expf(-0.5f * x * x) * kGeluBeta;
        return d * (cdf + x * pdf);
    }
    if constexpr (K == NNK_SOFTPLUS) {
        float z = nnk_expf(x);
        return x > 20.0f ? d : d * z / (z + 1.0f);
    }
    return d;
}

// out and inp are n floats of one row segment, bias the matching bias segment or null.
template <int K> NNK_INLINE void fwd_loop(float* __restrict out, float* __restrict inp,
                                          const float* __restrict bias, float a, int64_t n) {
    if (bias) {
        for (int64_t i = 0; i < n; i++) { float x = inp[i] + bias[i]; inp[i] = x; out[i] = act_f<K>(x, a); }
    } else {
        for (int64_t i = 0; i < n; i++) out[i] = act_f<K>(inp[i], a);
    }
}

template <int K> NNK_INLINE void fwd_loop_inplace(float* __restrict x, const float* __restrict bias, float a, int64_t n) {
    if (bias) {
        for (int64_t i = 0; i < n; i++) x[i] = act_f<K>(x[i] + bias[i], a);
    } else {
        for (int64_t i = 0; i < n; i++) x[i] = act_f<K>(x[i], a);
    }
}

#define NNK_ELEMENTWISE_KINDS(X) X(NNK_IDENTITY) X(NNK_SIGMOID) X(NNK_TANH) X(NNK_RELU) X(NNK_LEAKY_RELU) \
    X(NNK_ELU) X(NNK_GELU) X(NNK_SOFTPLUS)

NNK_CLONES void fwd_segment(float* out, float* inp, const float* bias, int kind, float a, int64_t n) {
#define CASE(K) case K: if (out == inp) fwd_loop_inplace<K>(inp, bias, a, n); else fwd_loop<K>(out, inp, bias, a, n); break;
    switch (kind) { NNK_ELEMENTWISE_KINDS(CASE) default: break; }
#undef CASE
}

template <int K> NNK_INLINE void bwd_loop(float* __restrict dinp, const float* __restrict dout, const float* __restrict x,
                                          const float* __restrict y, float a, int64_t n) {
    for (int64_t i = 0; i < n; i++) dinp[i] = act_d<K>(dout[i], x[i], y[i], a);
}

template <int K> NNK_INLINE void bwd_loop_inplace(float* __restrict d, const float* __restrict x,
                                                  const float* __restrict y, float a, int64_t n) {
    for (int64_t i = 0; i < n; i++) d[i] = act_d<K>(d[i], x[i], y[i], a);
}

// One row segment of the backward pass; acc (when not null) += the segment of dinp, in double.
NNK_CLONES void bwd_segment(float* dinp, const float* dout, const float* inp, const float* out, int kind, float a,
                            int64_t n, double* acc) {
    if (kind == NNK_IDENTITY && dinp == dout) {
        // nothing to compute: dinp already holds dout (columnSums passes dout for every tensor)
    } else if (dinp == dout) {
#define CASE(K) case K: bwd_loop_inplace<K>(dinp, inp, out, a, n); break;
        switch (kind) { NNK_ELEMENTWISE_KINDS(CASE) default: break; }
#undef CASE
    } else {
#define CASE(K) case K: bwd_loop<K>(dinp, dout, inp, out, a, n); break;
        switch (kind) { NNK_ELEMENTWISE_KINDS(CASE) default: break; }
#undef CASE
    }
    if (acc) {
        for (int64_t i = 0; i < n; i++) acc[i] += (double) dinp[i];
    }
}

// ---- softmax, one row at a time -------------------------------------------------------------

// x is one row of C pre-activations (bias already added), y its softmax; y may be x (x is read
// before y is written).
NNK_CLONES void softmax_row(float* y, const float* x, int64_t C) {
    float m = nnk_row_max(x, C);
    for (int64_t i = 0; i < C; i++) y[i] = nnk_expf(x[i] - m);
    float r = 1.0f / (float) nnk_row_sum(y, C);   // as torch's vectorized softmax: multiply by 1/sum
    for (int64_t i = 0; i < C; i++) y[i] = y[i] * r;
}

// dx = y * (dy - sum(dy * y)); dx may be dy.
NNK_CLONES void softmax_backward_row(float* dx, const float* dy, const float* __restrict y, int64_t C) {
    float dot = (float) nnk_row_dot(dy, y, C);
    for (int64_t i = 0; i < C; i++) dx[i] = y[i] * (dy[i] - dot);
}

NNK_CLONES void add_bias_row(float* __restrict x, const float* __restrict bias, int64_t C) {
    for (int64_t i = 0; i < C; i++) x[i] += bias[i];
}

struct ActArgs {
    float* out; float* inp; const float* bias;            // forward
    float* dinp; float* dbias; const float* dout;         // backward (inp, out read)
    int kind; float a; int64_t N, C;
};

// Elementwise forward over flat elements [b, e), split at row ends so the bias lines up.
void fwd_task(void* ctx, int64_t b, int64_t e, int) {
    const ActArgs& g = *(const ActArgs*) ctx;
    while (b < e) {
        int64_t col = b % g.C, len = g.C - col;
        if (!g.bias) len = e - b;                 // no bias: the whole range is one segment
        if (len > e - b) len = e - b;
        fwd_segment(g.out + b, g.inp + b, g.bias ? g.bias + col : nullptr, g.kind, g.a, len);
        b += len;
    }
}

// Softmax forward over rows [b, e).
void softmax_task(void* ctx, int64_t b, int64_t e, int) {
    const ActArgs& g = *(const ActArgs*) ctx;
    for (int64_t r = b; r < e; r++) {
        float* x = g.inp + r * g.C;
        if (g.bias) add_bias_row(x, g.bias, g.C);
        softmax_row(g.out + r * g.C, x, g.C);
    }
}

// Elementwise backward over flat elements [b, e) (no dbias).
void bwd_task(void* ctx, int64_t b, int64_t e, int) {
    const ActArgs& g = *(const ActArgs*) ctx;
    bwd_segment(g.dinp + b, g.dout + b, g.inp + b, g.out + b, g.kind, g.a, e - b, nullptr);
}

// Backward with dbias over columns [b, e): every column is summed over all rows in order, by one
// thread, so dbias does not depend on the thread count.
void bwd_columns_task(void* ctx, int64_t b, int64_t e, int) {
    const ActArgs& g = *(const ActArgs*) ctx;
    double acc[kColBlock];
    for (int64_t c0 = b; c0 < e; c0 += kColBlock) {
        int64_t w = e - c0 < kColBlock ? e - c0 : kColBlock;
        for (int64_t j = 0; j < w; j++) acc[j] = 0.0;
        for (int64_t r = 0; r < g.N; r++) {
            int64_t o = r * g.C + c0;
            if (g.kind == NNK_SOFTMAX) {
                bwd_segment(g.dinp + o, g.dinp + o, g.inp + o, g.out + o, NNK_IDENTITY, 0.0f, w, acc);
            } else {
                bwd_segment(g.dinp + o, g.dout + o, g.inp + o, g.out + o, g.kind, g.a, w, acc);
            }
        }
        for (int64_t j = 0; j < w; j++) g.dbias[c0 + j] = (float) ((double) g.dbias[c0 + j] + acc[j]);
    }
}

// Softmax backward over rows [b, e).
void softmax_backward_task(void* ctx, int64_t b, int64_t e, int) {
    const ActArgs& g = *(const ActArgs*) ctx;
    for (int64_t r = b; r < e; r++) {
        softmax_backward_row(g.dinp + r * g.C, g.dout + r * g.C, g.out + r * g.C, g.C);
    }
}

}  // namespace

// ---- activation_forward / activation_backward ------------------------------------------------

// inp is (N,C), bias is (1,C) or NULL, out is (N,C). inp += bias; out = act(inp). out may be inp.
NNK_API void activation_forward(float* out, float* inp, const float* bias, int kind, float param, int N, int C) {
    ActArgs g{out, inp, bias, nullptr, nullptr, nullptr, kind, param, N, C};
    int64_t n = (int64_t) N * C;
    if (n == 0) return;
    if (kind == NNK_SOFTMAX) {
        nnk_parallel(softmax_task, &g, N, n, 1);
    } else {
        nnk_parallel(fwd_task, &g, n, n, 16);
    }
}

// dinp, dout, inp, out are (N,C); dbias is (1,C) or NULL. dinp = dout * act'(inp);
// dbias += column sums of dinp. dinp may be dout.
NNK_API void activation_backward(float* dinp, float* dbias, const float* dout, const float* inp, const float* out,
                                 int kind, float param, int N, int C) {
    ActArgs g{const_cast<float*>(out), const_cast<float*>(inp), nullptr, dinp, dbias, dout, kind, param, N, C};
    int64_t n = (int64_t) N * C;
    if (n == 0) return;
    if (kind == NNK_SOFTMAX) {
        nnk_parallel(softmax_backward_task, &g, N, n, 1);
        if (dbias) nnk_parallel(bwd_columns_task, &g, C, n, 16);   // second pass: column sums of dinp
    } else if (dbias) {
        nnk_parallel(bwd_columns_task, &g, C, n, 16);
    } else {
        nnk_parallel(bwd_task, &g, n, n, 16);
    }
}
