// SPDX-License-Identifier: Apache-2.0
// Losses (means), softmax cross-entropy on logits fused with its softmax, and dropout.
// Element losses are computed in float as torch 1.13 computes them and summed in double; the sums
// use 16 fixed lanes (element i goes to lane i % 16), so the vectorized sum is the same on every
// ISA clone, and per-thread partials are added in part order.
#include "nnk_internal.h"
#include "nnk_math.h"

namespace {

constexpr float kBceEps = 1e-12f;   // ATen's EPSILON in binary_cross_entropy_backward

template <int K> NNK_INLINE float loss_elem(float p, float t, float delta) {
    if constexpr (K == NNK_MSE) { float d = p - t; return d * d; }
    if constexpr (K == NNK_L1) { float d = p - t; return d < 0.0f ? -d : d; }
    if constexpr (K == NNK_HUBER) {
        float d = p - t, z = d < 0.0f ? -d : d;
        return z < delta ? 0.5f * z * z : delta * (z - 0.5f * delta);
    }
    if constexpr (K == NNK_BCE) {
        float l1 = nnk_logf(1.0f - p), l0 = nnk_logf(p);
        l1 = l1 > -100.0f ? l1 : -100.0f;
        l0 = l0 > -100.0f ? l0 : -100.0f;
        return (t - 1.0f) * l1 - t * l0;
    }
    if constexpr (K == NNK_BCE_WITH_LOGITS) {   // torch's log(e^-m + e^(-x-m)) is log1p(e^-|x|)
        float m = -p > 0.0f ? -p : 0.0f;
        float ax = p < 0.0f ? -p : p;
        return (1.0f - t) * p + m + nnk_log1pf_unit(nnk_expf(-ax));
    }
    return 0.0f;
}

// torch's binary_cross_entropy refuses a prediction outside [0, 1], NaN included.
NNK_INLINE bool bce_refuses(float p) { return !(p >= 0.0f && p <= 1.0f); }

// Element losses in blocks on the stack (a plain loop that vectorizes), then summed in fixed lanes.
// bce: *bad = the index of the first refused prediction (the sum is then meaningless), else untouched.
template <int K> NNK_INLINE double loss_sum(const float* __restrict p, const float* __restrict t, float delta, int64_t n,
                                            int64_t* bad) {
    double lane[NNK_LANES] = {0};
    float block[512];
    for (int64_t b = 0; b < n; b += 512) {
        int64_t w = n - b < 512 ? n - b : 512;
        if constexpr (K == NNK_BCE) {
            bool refused = false;
            for (int64_t j = 0; j < w; j++) refused |= bce_refuses(p[b + j]);
            if (refused) {
                int64_t j = 0;
                while (!bce_refuses(p[b + j])) j++;
                *bad = b + j;
                return 0.0;
            }
        }
        for (int64_t j = 0; j < w; j++) block[j] = loss_elem<K>(p[b + j], t[b + j], delta);
        int64_t i = 0;
        for (; i + NNK_LANES <= w; i += NNK_LANES) {
            for (int k = 0; k < NNK_LANES; k++) lane[k] += (double) block[i + k];
        }
        for (int k = 0; k < NNK_LANES && i + k < w; k++) lane[k] += (double) block[i + k];
    }
    return nnk_lanes_total(lane);
}

NNK_CLONES double loss_range(const float* p, const float* t, int kind, float delta, int64_t n, int64_t* bad) {
    switch (kind) {
        case NNK_MSE: return loss_sum<NNK_MSE>(p, t, delta, n, bad);
        case NNK_L1: return loss_sum<NNK_L1>(p, t, delta, n, bad);
        case NNK_HUBER: return loss_sum<NNK_HUBER>(p, t, delta, n, bad);
        case NNK_BCE: return loss_sum<NNK_BCE>(p, t, delta, n, bad);
        case NNK_BCE_WITH_LOGITS: return loss_sum<NNK_BCE_WITH_LOGITS>(p, t, delta, n, bad);
        default: return 0.0;
    }
}

// dpred for one element; s is the kind's scale (see loss_backward).
template <int K> NNK_INLINE float loss_grad(float p, float t, float delta, float s) {
    if constexpr (K == NNK_MSE) return s * (p - t);
    if constexpr (K == NNK_L1) { float d = p - t; return d > 0.0f ? s : (d < 0.0f ? -s : 0.0f * s); }
    if constexpr (K == NNK_HUBER) {
        float d = p - t;
        return d <= -delta ? -s * delta : (d >= delta ? s * delta : s * d);
    }
    if constexpr (K == NNK_BCE) {
        float w = (1.0f - p) * p;
        return (p - t) / (w > kBceEps ? w : kBceEps) / s;
    }
    if constexpr (K == NNK_BCE_WITH_LOGITS) return (1.0f / (1.0f + nnk_expf(-p)) - t) / s;
    return 0.0f;
}

template <int K> NNK_INLINE void grad_loop(float* __restrict d, const float* __restrict p, const float* __restrict t,
                                           float delta, float s, int64_t n) {
    for (int64_t i = 0; i < n; i++) d[i] = loss_grad<K>(p[i], t[i], delta, s);
}

NNK_CLONES void loss_grad_range(float* d, const float* p, const float* t, int kind, float delta, float s, int64_t n) {
    switch (kind) {
        case NNK_MSE: grad_loop<NNK_MSE>(d, p, t, delta, s, n); break;
        case NNK_L1: grad_loop<NNK_L1>(d, p, t, delta, s, n); break;
        case NNK_HUBER: grad_loop<NNK_HUBER>(d, p, t, delta, s, n); break;
        case NNK_BCE: grad_loop<NNK_BCE>(d, p, t, delta, s, n); break;
        case NNK_BCE_WITH_LOGITS: grad_loop<NNK_BCE_WITH_LOGITS>(d, p, t, delta, s, n); break;
        default: break;
    }
}

struct LossArgs {
    float* d; const float* p; const float* t; const int32_t* labels; float* mask;
    int kind; float delta, s; int64_t N, C; uint64_t seed, threshold;
    double partial[NNK_MAX_THREADS];
    int64_t bad[NNK_MAX_THREADS];   // per part: the first element the loss refused, or the first bad label (bad_label), or -1
};

void loss_task(void* ctx, int64_t b, int64_t e, int part) {
    LossArgs& g = *(LossArgs*) ctx;
    int64_t bad = -1;
    g.partial[part] = loss_range(g.p + b, g.t + b, g.kind, g.delta, e - b, &bad);
    g.bad[part] = bad < 0 ? -1 : b + bad;
}

// What the calling thread's last loss_forward refused (see loss_forward_refused).
thread_local int64_t last_refused = -1;

void loss_grad_task(void* ctx, int64_t b, int64_t e, int) {
    const LossArgs& g = *(const LossArgs*) ctx;
    loss_grad_range(g.d + b, g.p + b, g.t + b, g.kind, g.delta, g.s, e - b);
}

double sum_parts(const double* partial, int parts) {
    double s = 0.0;
    for (int k = 0; k < parts; k++) s += partial[k];
    return s;
}

// ---- cross-entropy rows -----------------------------------------------------------------------

// log(sum e^(x - max)) + max - x[label] for one row x of C logits.
NNK_CLONES double ce_row(const float* __restrict x, int32_t label, int64_t C) {
    float m = nnk_row_max(x, C);
    return log(nnk_row_sum_exp(x, m, C)) + (double) m - (double) x[label];
}

// dx = (softmax(x) - onehot(label)) * inv_n for one row.
NNK_CLONES void ce_backward_row(float* __restrict dx, const float* __restrict x, int32_t label, float inv_n, int64_t C) {
    float m = nnk_row_max(x, C);
    for (int64_t i = 0; i < C; i++) dx[i] = nnk_expf(x[i] - m);
    float r = 1.0f / (float) nnk_row_sum(dx, C);   // as torch's softmax: multiply by 1/sum
    for (int64_t i = 0; i < C; i++) dx[i] = dx[i] * r * inv_n;
    dx[label] -= inv_n;
}

// A label outside [0, C) as row << 32 | its bits: ordered by row, so the smallest is the first.
NNK_INLINE int64_t bad_label(int64_t row, int32_t label) {
    return (int64_t) ((uint64_t) row << 32 | (uint32_t) label);
}

// Labels are memory another thread may rewrite: each is read once (relaxed atomic, so the compiler
// cannot read it again), then checked, then used; a bad one's row is skipped and reported.
NNK_INLINE int32_t read_label(const int32_t* labels, int64_t r) {
    return __atomic_load_n(labels + r, __ATOMIC_RELAXED);
}

void ce_task(void* ctx, int64_t b, int64_t e, int part) {
    LossArgs& g = *(LossArgs*) ctx;
    double s = 0.0;
    int64_t bad = -1;
    for (int64_t r = b; r < e; r++) {
        int32_t y = read_label(g.labels, r);
        if ((uint32_t) y >= (uint64_t) g.C) {
            if (bad < 0) bad = bad_label(r, y);
            continue;
        }
        s += ce_row(g.p + r * g.C, y, g.C);
    }
    g.partial[part] = s;
    g.bad[part] = bad;
}

void ce_backward_task(void* ctx, int64_t b, int64_t e, int part) {
    LossArgs& g = *(LossArgs*) ctx;
    int64_t bad = -1;
    for (int64_t r = b; r < e; r++) {
        int32_t y = read_label(g.labels, r);
        if ((uint32_t) y >= (uint64_t) g.C) {
            if (bad < 0) bad = bad_label(r, y);
            continue;
        }
        ce_backward_row(g.d + r * g.C, g.p + r * g.C, y, g.s, g.C);
    }
    g.bad[part] = bad;
}

// Runs a cross-entropy task over the rows; returns the first bad label of all parts, or -1.
int64_t ce_rows(nnk_task task, LossArgs& g, int* parts) {
    for (int k = 0; k < NNK_MAX_THREADS; k++) g.bad[k] = -1;   // empty parts never run
    *parts = nnk_parallel(task, &g, g.N, g.N * g.C, 1);
    for (int k = 0; k < *parts; k++) {   // parts cover increasing rows
        if (g.bad[k] >= 0) return g.bad[k];
    }
    return -1;
}

thread_local int64_t last_bad_label = -1;   // of the calling thread's last cross-entropy call

// ---- dropout ---------------------------------------------------------------------------------

NNK_INLINE uint64_t splitmix64(uint64_t x) {
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Elements [first, first + n) of the whole tensor; threshold = floor(p * 2^24). out may be inp.
NNK_CLONES void dropout_range(float* out, float* __restrict mask, const float* inp, uint64_t threshold, float scale,
                              uint64_t seed, uint64_t first, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        uint64_t h = splitmix64(seed ^ ((first + (uint64_t) i) * 0x9E3779B97F4A7C15ULL));
        float k = (h >> 40) >= threshold ? scale : 0.0f;
        mask[i] = k;
        out[i] = inp[i] * k;
    }
}

void dropout_task(void* ctx, int64_t b, int64_t e, int) {
    const LossArgs& g = *(const LossArgs*) ctx;
    dropout_range(g.d + b, g.mask + b, g.p + b, g.threshold, g.s, g.seed, (uint64_t) b, e - b);
}

NNK_CLONES void multiply_range(float* d, const float* a, const float* __restrict b, int64_t n) {
    for (int64_t i = 0; i < n; i++) d[i] = a[i] * b[i];
}

void multiply_task(void* ctx, int64_t b, int64_t e, int) {
    const LossArgs& g = *(const LossArgs*) ctx;
    multiply_range(g.d + b, g.p + b, g.t + b, e - b);
}

}  // namespace

// ---- loss_forward / loss_backward --------------------------------------------------------------

// pred, target are (n). Returns the mean element loss.
// The parts are in element order, so the first part that refused an element holds the first one.
NNK_API double loss_forward(const float* pred, const float* target, int kind, float delta, int64_t n) {
    last_refused = -1;
    if (n == 0) return NAN;   // torch: the mean of nothing
    LossArgs g{};
    g.p = pred; g.t = target; g.kind = kind; g.delta = delta;
    for (int64_t& b : g.bad) b = -1;   // a part that gets no elements refuses none
    int parts = nnk_parallel(loss_task, &g, n, n, 16);
    for (int k = 0; k < parts; k++) {
        if (g.bad[k] >= 0) {
            last_refused = g.bad[k];
            return NAN;
        }
    }
    return sum_parts(g.partial, parts) / (double) n;
}

NNK_API int64_t loss_forward_refused(void) { return last_refused; }

// dpred, pred, target are (n). dpred = d mean-loss / d pred.
NNK_API void loss_backward(float* dpred, const float* pred, const float* target, int kind, float delta, int64_t n) {
    if (n == 0) return;
    LossArgs g{};
    g.d = dpred; g.p = pred; g.t = target; g.kind = kind; g.delta = delta;
    switch (kind) {
        case NNK_MSE: g.s = (float) (2.0 / (double) n); break;          // ATen: norm = 2. / numel
        case NNK_L1: g.s = 1.0f / (float) n; break;                     // mean's backward: grad / numel
        case NNK_HUBER: g.s = (float) (1.0 / (double) n); break;        // ATen: norm = 1. / numel
        default: g.s = (float) n; break;                                // bce, bce_with_logits: / numel
    }
    nnk_parallel(loss_grad_task, &g, n, n, 16);
}

// ---- crossentropy_softmax_forward / crossentropy_softmax_backward -----------------------------

// logits is (N,C), labels (N). Returns the mean over rows of -log softmax(logits)[label], or NaN
// with nnk_bad_label() set when a label is outside [0, C).
NNK_API double crossentropy_softmax_forward(const float* logits, const int32_t* labels, int N, int C) {
    last_bad_label = -1;
    if (N == 0) return NAN;
    LossArgs g{};
    g.p = logits; g.labels = labels; g.N = N; g.C = C;
    int parts;
    last_bad_label = ce_rows(ce_task, g, &parts);
    if (last_bad_label >= 0) return NAN;
    return sum_parts(g.partial, parts) / (double) N;
}

// dlogits, logits are (N,C), labels (N). dlogits = (softmax(logits) - onehot) / N. Returns -1, or the
// first bad label as nnk_bad_label() does.
NNK_API int64_t crossentropy_softmax_backward(float* dlogits, const float* logits, const int32_t* labels, int N, int C) {
    last_bad_label = -1;
    if (N == 0) return -1;
    LossArgs g{};
    g.d = dlogits; g.p = logits; g.labels = labels; g.N = N; g.C = C; g.s = 1.0f / (float) N;
    int parts;
    last_bad_label = ce_rows(ce_backward_task, g, &parts);
    return last_bad_label;
}

NNK_API int64_t nnk_bad_label(void) { return last_bad_label; }

// ---- dropout_forward / dropout_backward -------------------------------------------------------

// out, mask, inp are (n). mask = keep ? 1/(1-p) : 0; out = inp * mask. out may be inp.
NNK_API void dropout_forward(float* out, float* mask, const float* inp, float p, float scale, int64_t seed, int64_t n) {
    LossArgs g{};
    g.d = out; g.mask = mask; g.p = inp; g.s = scale; g.seed = (uint64_t) seed;
    g.threshold = (uint64_t) floor((double) p * 16777216.0);
    nnk_parallel(dropout_task, &g, n, n, 16);
}

// dinp, dout, mask are (n). dinp = dout * mask. dinp may be dout.
NNK_API void dropout_backward(float* dinp, const float* dout, const float* mask, int64_t n) {
    LossArgs g{};
    g.d = dinp; g.p = dout; g.t = mask;
    nnk_parallel(multiply_task, &g, n, n, 16);
}
