// SPDX-License-Identifier: Apache-2.0
// Convolution and pooling over NCHW rows. Convolution runs over groups of samples, so its scratch is
// bounded by the group, not the batch: directly over zero-padded planes for stride 1 (below), else
// im2col + our GEMM. Every split is by shape only (here and in gemm.cpp), so results are the same for
// every thread count.
#include <math.h>
#include <string.h>
#include "nnk_internal.h"
#include "nnk_math.h"

namespace {

struct Geo {
    int C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW;
};

Geo geo(int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
    Geo g{C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, 0, 0};
    g.OH = (H + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    g.OW = (W + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    return g;
}

// The valid output columns [lo, hi) of kernel column kj: those whose input column j·sw − pw + kj·dw
// lies inside [0, W).
inline void valid_cols(const Geo& g, int kj, int& lo, int& hi) {
    int off = kj * g.dw - g.pw;   // input column of output column 0
    lo = off >= 0 ? 0 : (-off + g.sw - 1) / g.sw;
    int last = g.W - 1 - off;     // the largest j·sw allowed
    hi = last < 0 ? 0 : last / g.sw + 1;
    if (hi > g.OW) hi = g.OW;
    if (lo > hi) lo = hi;
}

// cols[(c·kh + ki)·kw + kj][i·OW + j] (row stride ld) = x[c][i·sh − ph + ki·dh][j·sw − pw + kj·dw],
// 0 outside the input
NNK_CLONES void im2col(float* cols, int64_t ld, const float* x, const Geo& g) {
    for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.kh; ki++)
            for (int kj = 0; kj < g.kw; kj++) {
                float* row = cols + ((int64_t) (c * g.kh + ki) * g.kw + kj) * ld;
                int lo, hi;
                valid_cols(g, kj, lo, hi);
                int off = kj * g.dw - g.pw;
                for (int i = 0; i < g.OH; i++) {
                    int h = i * g.sh - g.ph + ki * g.dh;
                    float* r = row + (int64_t) i * g.OW;
                    if (h < 0 || h >= g.H) { memset(r, 0, sizeof(float) * g.OW); continue; }
                    const float* xr = x + ((int64_t) c * g.H + h) * g.W + off;
                    for (int j = 0; j < lo; j++) r[j] = 0.0f;
                    if (g.sw == 1) {
                        memcpy(r + lo, xr + lo, sizeof(float) * (hi - lo));
                    } else {
                        for (int j = lo; j < hi; j++) r[j] = xr[(int64_t) j * g.sw];
                    }
                    for (int j = hi; j < g.OW; j++) r[j] = 0.0f;
                }
            }
}

// x = 0, then x[...] += cols[...]: im2col's adjoint, in one fixed order
NNK_CLONES void col2im(float* x, const float* cols, int64_t ld, const Geo& g) {
    memset(x, 0, sizeof(float) * (int64_t) g.C * g.H * g.W);
    for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.kh; ki++)
            for (int kj = 0; kj < g.kw; kj++) {
                const float* row = cols + ((int64_t) (c * g.kh + ki) * g.kw + kj) * ld;
                int lo, hi;
                valid_cols(g, kj, lo, hi);
                int off = kj * g.dw - g.pw;
                for (int i = 0; i < g.OH; i++) {
                    int h = i * g.sh - g.ph + ki * g.dh;
                    if (h < 0 || h >= g.H) continue;
                    const float* r = row + (int64_t) i * g.OW;
                    float* xr = x + ((int64_t) c * g.H + h) * g.W + off;
                    if (g.sw == 1) {   // contiguous: the compiler vectorizes this one
                        for (int j = lo; j < hi; j++) xr[j] += r[j];
                    } else {
                        for (int j = lo; j < hi; j++) xr[(int64_t) j * g.sw] += r[j];
                    }
                }
            }
}

// Σ x[0..n), in 16 interleaved partial sums combined in a fixed order (vectorizable, deterministic).
NNK_CLONES float row_sum(const float* x, int64_t n) {
    float acc[16] = {0};
    int64_t k = 0;
    for (; k + 16 <= n; k += 16)
        for (int l = 0; l < 16; l++) acc[l] += x[k + l];
    float s = 0.0f;
    for (int l = 0; l < 16; l++) s += acc[l];
    for (; k < n; k++) s += x[k];
    return s;
}

// One convolution call. The batch is cut into groups of `group` samples (the last may be smaller),
// and the groups into `slots` contiguous runs, each run one task with its own slice of the scratch:
// [cols: K × group·S | wide: OC × group·S | partial dW: K × OC (OC × K on the direct path)]. A
// group's samples sit side by side in cols and wide, so each group is one GEMM of group·S columns, not
// `group` small ones. Java chose group and slots from the shape alone, so every result is the same for
// every thread count.
struct Conv {
    Geo g;
    int N, OC, group, slots;
    int64_t S, K;
    float* scratch;
    const float* inp; const float* weight; const float* bias;
    const float* dout; float* out; float* dinp; float* dweight;

    int64_t ld() const { return (int64_t) group * S; }
    float* cols(int part) const { return scratch + part * (K * ld() + (int64_t) OC * ld() + (int64_t) OC * K); }
    float* wide(int part) const { return cols(part) + K * ld(); }
    float* partial(int part) const { return wide(part) + (int64_t) OC * ld(); }
    int first(int64_t grp) const { return (int) (grp * group); }
    int count(int64_t grp) const { int n0 = first(grp); return N - n0 < group ? N - n0 : group; }
};

// wide (OC, m·S) ← dout's samples n0..n0+m: sample j's (OC, S) block goes to columns j·S.. Returns
// where that layout is: a single sample's block is it already.
const float* gather_dout(float* wide, const Conv& c, int n0, int m) {
    if (c.group == 1) return c.dout + (int64_t) n0 * c.OC * c.S;
    for (int j = 0; j < m; j++)
        for (int o = 0; o < c.OC; o++)
            memcpy(wide + o * c.ld() + j * c.S, c.dout + ((int64_t) (n0 + j) * c.OC + o) * c.S, sizeof(float) * c.S);
    return wide;
}

// y (OC, S) = wt (S, OC)ᵀ + bias, in blocks of positions so that both sides stay in L1
NNK_CLONES void transpose_out(float* y, const float* wt, int64_t ldw, const float* bias, int OC, int64_t S) {
    constexpr int64_t SB = 16;
    for (int64_t s0 = 0; s0 < S; s0 += SB) {
        int64_t sn = S - s0 < SB ? S - s0 : SB;
        for (int o = 0; o < OC; o++) {
            float b = bias ? bias[o] : 0.0f;
            float* yo = y + o * S + s0;
            const float* w = wt + s0 * ldw + o;
            for (int64_t k = 0; k < sn; k++) yo[k] = w[k * ldw] + b;
        }
    }
}

// Whether the forward product runs transposed, (group·S, OC) = colsᵀ · Wᵀ, then turned into NCHW with
// the bias added. OpenBLAS's AVX-512 kernels compute that orientation faster when there are 32 or more
// output channels and the patch is deep enough for the product to outweigh the extra transpose pass
// (measured on the benchmark networks' convolutions); with fewer channels the plain one is as fast or
// faster. A function of the shape, like every choice here.
bool transposed_forward(const Conv& c) { return c.OC >= 32 && c.K >= 16; }

void conv_forward_task(void* ctx, int64_t begin, int64_t end, int part) {
    const Conv& c = *static_cast<const Conv*>(ctx);
    float* cols = c.cols(part);
    float* wide = c.wide(part);
    for (int64_t grp = begin; grp < end; grp++) {
        int n0 = c.first(grp), m = c.count(grp);
        for (int j = 0; j < m; j++) im2col(cols + j * c.S, c.ld(), c.inp + (int64_t) (n0 + j) * c.g.C * c.g.H * c.g.W, c.g);
        if (transposed_forward(c)) {   // Wᵀ (K, OC) is in slot 0's partial area, unused by the forward pass
            nnk_gemm_serial(true, false, (int) (m * c.S), c.OC, (int) c.K, 1.0f, cols, (int) c.ld(),
                            c.partial(0), c.OC, 0.0f, wide, c.OC);
            for (int j = 0; j < m; j++)
                transpose_out(c.out + (int64_t) (n0 + j) * c.OC * c.S, wide + j * c.S * c.OC, c.OC, c.bias, c.OC, c.S);
            continue;
        }
        if (c.group == 1) {   // one sample: its output is the GEMM's layout already, bias first
            float* y = c.out + (int64_t) n0 * c.OC * c.S;
            for (int o = 0; o < c.OC; o++)
                for (int64_t k = 0; k < c.S; k++) y[o * c.S + k] = c.bias ? c.bias[o] : 0.0f;
            nnk_gemm_serial(false, false, c.OC, (int) c.S, (int) c.K, 1.0f, c.weight,
                            (int) c.K, cols, (int) c.S, 1.0f, y, (int) c.S);
            continue;
        }
        nnk_gemm_serial(false, false, c.OC, (int) (m * c.S), (int) c.K, 1.0f, c.weight,
                        (int) c.K, cols, (int) c.ld(), 0.0f, wide, (int) c.ld());
        for (int j = 0; j < m; j++)
            for (int o = 0; o < c.OC; o++) {
                float b = c.bias ? c.bias[o] : 0.0f;
                const float* w = wide + o * c.ld() + j * c.S;
                float* y = c.out + ((int64_t) (n0 + j) * c.OC + o) * c.S;
                for (int64_t k = 0; k < c.S; k++) y[k] = w[k] + b;
            }
    }
}

void conv_backward_input_task(void* ctx, int64_t begin, int64_t end, int part) {
    const Conv& c = *static_cast<const Conv*>(ctx);
    float* cols = c.cols(part);
    float* wide = c.wide(part);
    for (int64_t grp = begin; grp < end; grp++) {
        int n0 = c.first(grp), m = c.count(grp);
        const float* dy = gather_dout(wide, c, n0, m);
        nnk_gemm_serial(true, false, (int) c.K, (int) (m * c.S), c.OC, 1.0f, c.weight,
                        (int) c.K, dy, (int) c.ld(), 0.0f, cols, (int) c.ld());   // Wᵀ·dy
        for (int j = 0; j < m; j++) col2im(c.dinp + (int64_t) (n0 + j) * c.g.C * c.g.H * c.g.W, cols + j * c.S, c.ld(), c.g);
    }
}

void conv_backward_weight_task(void* ctx, int64_t begin, int64_t end, int part) {
    const Conv& c = *static_cast<const Conv*>(ctx);
    float* cols = c.cols(part);
    float* wide = c.wide(part);
    float* partial = c.partial(part);
    for (int64_t grp = begin; grp < end; grp++) {
        int n0 = c.first(grp), m = c.count(grp);
        for (int j = 0; j < m; j++) im2col(cols + j * c.S, c.ld(), c.inp + (int64_t) (n0 + j) * c.g.C * c.g.H * c.g.W, c.g);
        const float* dy = gather_dout(wide, c, n0, m);
        nnk_gemm_serial(false, true, (int) c.K, c.OC, (int) (m * c.S), 1.0f, cols,
                        (int) c.ld(), dy, (int) c.ld(), 1.0f, partial, c.OC);   // partial (K, OC) += cols·dyᵀ
    }
}

// Stride-1 convolutions run directly, without im2col columns K times the input's size (the direct_*
// rules say when). A sample is copied into a zero-padded plane of row length Wp; then output
// t = i·Wp + j reads tap (ch, ki, kj) at t + ch·Hp·Wp + ki·dh·Wp + kj·dw of the plane, one contiguous
// run over all rows (columns j >= OW are computed and dropped). The convolution is thus a product
// whose right operand's rows are shifted views of one plane, computed in register blocks of up to
// 6 output channels × 4 vectors of 16 positions that sum every tap before one store. The input
// gradient is Wᵀ times the output gradient's wide rows by the same kernel (its taps then are the
// gradient's channels), each block of patch rows added into the plane at its taps' offsets as it is
// stored; the weight gradient reduces the product's other dimension.
constexpr int MAX_TAPS = 1024;

struct Plane {       // a sample's C channels, zero-padded
    int C, Hp, Wp;
    int64_t size;   // C·Hp·Wp + 32: the margin the last vector of a row run reads past, or add_run adds to
    int64_t rows;   // positions of one output channel, a multiple of 16: OH·Wp rounded up
};

Plane forward_plane(const Geo& g) {
    int Hp = g.H + 2 * g.ph, Wp = g.W + 2 * g.pw;
    return {g.C, Hp, Wp, (int64_t) g.C * Hp * Wp + 32, ((int64_t) g.OH * Wp + 15) / 16 * 16};
}

struct Taps {
    int n;
    int64_t off[MAX_TAPS];   // in (ch, ki, kj) order, the order of a weight row
};

void taps(Taps& t, const Geo& g, const Plane& p) {
    t.n = p.C * g.kh * g.kw;
    for (int ch = 0; ch < p.C; ch++)
        for (int ki = 0; ki < g.kh; ki++)
            for (int kj = 0; kj < g.kw; kj++)
                t.off[(ch * g.kh + ki) * g.kw + kj] = ((int64_t) ch * p.Hp + ki * g.dh) * p.Wp + kj * g.dw;
}

// d[0..n) = s[0..n) in fixed-size pieces the compiler inlines: rows here are a few dozen floats, where a
// call to memcpy costs more than the copy
NNK_INLINE void copy_floats(float* d, const float* s, int64_t n) {
    for (; n >= 16; n -= 16, d += 16, s += 16) memcpy(d, s, 64);
    if (n & 8) { memcpy(d, s, 32); d += 8; s += 8; }
    if (n & 4) { memcpy(d, s, 16); d += 4; s += 4; }
    if (n & 2) { memcpy(d, s, 8); d += 2; s += 2; }
    if (n & 1) *d = *s;
}

// xp = x (C, H, W) placed at row ph, column pw of a zeroed plane of row length Wp
NNK_INLINE void pad_into(float* xp, const float* x, const Geo& g, const Plane& p) {
    memset(xp, 0, sizeof(float) * p.size);
    for (int ch = 0; ch < p.C; ch++)
        for (int h = 0; h < g.H; h++)
            copy_floats(xp + ((int64_t) ch * p.Hp + h + g.ph) * p.Wp + g.pw, x + ((int64_t) ch * g.H + h) * g.W, g.W);
}

// GCC's vector extension: left to itself, the compiler kept the accumulators in memory.
typedef float v16 __attribute__((vector_size(64)));
typedef int i16 __attribute__((vector_size(64)));

NNK_INLINE void load16(v16& v, const float* x) { memcpy(&v, x, sizeof v); }   // unaligned

// lanes k..k+15 of [lo | hi]: a view shifted by k floats from two loads, kept in registers (given the
// loads of each view, GCC reloads each once per use from memory, unaligned)
NNK_INLINE void shifted(v16& out, const v16& lo, const v16& hi, int k) {
    i16 lanes;
    for (int l = 0; l < 16; l++) lanes[l] = l + k;
    out = __builtin_shuffle(lo, hi, lanes);
}

// Where a product's rows go: row o is stored at y + o·ldy, or, given add_at, added into y + add_at[o]
struct Rows {
    float* y;
    int64_t ldy;
    const int64_t* add_at;
    float* row(int o) const { return add_at ? y + add_at[o] : y + o * ldy; }
    Rows from(int o, int64_t t0) const { return add_at ? Rows{y + t0, ldy, add_at + o} : Rows{y + o * ldy + t0, ldy, nullptr}; }
};

// y[0 .. 16·(NV+1)) += rows k < R of acc, row k shifted k floats further: R product rows whose
// targets are side by side (a kernel row's taps), summed in registers and added in one pass. Adding
// them one at a time, each load overlapped the store just before it by all but k floats, which the
// CPU cannot forward.
template <int R, int NV>
NNK_INLINE void add_run(float* y, const v16 (*acc)[NV]) {
    for (int q = 0; q <= NV; q++) {
        v16 r = q < NV ? acc[0][q] : (v16){};
        for (int k = 1; k < R; k++) {
            v16 s, prev = q > 0 ? acc[k][q - 1] : (v16){}, cur = q < NV ? acc[k][q] : (v16){};
            shifted(s, prev, cur, 16 - k);
            r += s;
        }
        v16 prior;
        load16(prior, y + 16 * q);
        prior += r;
        memcpy(y + 16 * q, &prior, sizeof prior);
    }
}

// rows o < OB, positions [0, 16·NV) of the product: Σ_tap wt[tap·M + o] · src[off[tap] ..]. With R > 1
// the rows are added in runs of R (OB a multiple of R) whose targets are consecutive (add_run).
template <int OB, int NV, int R>
NNK_INLINE void shift_block(const Rows& out, const float* wt, int M, const float* src, const Taps& tp) {
    v16 acc[OB][NV];
    for (int o = 0; o < OB; o++)
        for (int q = 0; q < NV; q++) acc[o][q] = (v16){};
    for (int t = 0; t < tp.n; t++) {
        const float* x = src + tp.off[t];
        const float* w = wt + (int64_t) t * M;
        v16 v[NV];
        for (int q = 0; q < NV; q++) load16(v[q], x + 16 * q);
        for (int o = 0; o < OB; o++)
            for (int q = 0; q < NV; q++) acc[o][q] += w[o] * v[q];
    }
    if constexpr (R > 1) {
        static_assert(OB % R == 0, "whole runs");
        for (int o = 0; o < OB; o += R) add_run<R, NV>(out.row(o), acc + o);
        return;
    }
    for (int o = 0; o < OB; o++) {
        float* y = out.row(o);
        for (int q = 0; q < NV; q++) {
            if (out.add_at) {
                v16 prior;
                load16(prior, y + 16 * q);
                acc[o][q] += prior;
            }
            memcpy(y + 16 * q, &acc[o][q], sizeof(v16));
        }
    }
}

template <int OB, int R>
NNK_INLINE void shift_blocks(const Rows& out, const float* wt, int M, const float* src, const Taps& tp, int nv) {
    if constexpr (OB % R == 0) {
        switch (nv) {
            case 4: shift_block<OB, 4, R>(out, wt, M, src, tp); break;
            case 3: shift_block<OB, 3, R>(out, wt, M, src, tp); break;
            case 2: shift_block<OB, 2, R>(out, wt, M, src, tp); break;
            default: shift_block<OB, 1, R>(out, wt, M, src, tp); break;
        }
    }
}

// The product's rows [0, M) at positions [t0, t0 + 16·nv), in blocks of 6 rows or, for runs of R,
// of the most whole runs that fit 6 (M is then a multiple of R)
template <int R>
NNK_INLINE void shift_rows(const Rows& out, const float* wt, int M, const float* src, const Taps& tp, int64_t t0,
                           int nv) {
    constexpr int OB = 6 / R * R;
    int o = 0;
    for (; o + OB <= M; o += OB) shift_blocks<OB, R>(out.from(o, t0), wt + o, M, src + t0, tp, nv);
    Rows rest = out.from(o, t0);
    switch (M - o) {
        case 5: shift_blocks<5, R>(rest, wt + o, M, src + t0, tp, nv); break;
        case 4: shift_blocks<4, R>(rest, wt + o, M, src + t0, tp, nv); break;
        case 3: shift_blocks<3, R>(rest, wt + o, M, src + t0, tp, nv); break;
        case 2: shift_blocks<2, R>(rest, wt + o, M, src + t0, tp, nv); break;
        case 1: shift_blocks<1, R>(rest, wt + o, M, src + t0, tp, nv); break;
        default: break;
    }
}

// out (M × rows) = the product of wt (taps × M) with the shifted views of src. The rows'
// vectors are dealt out evenly over the fewest blocks of at most 4 (9 = 3 + 3 + 3, not 4 + 4 + 1: a
// block of one vector loads as often as it computes). run > 1: out adds its rows (add_at) in runs of
// `run` consecutive targets, run <= 6.
NNK_INLINE void shift_product(const Rows& out, const float* wt, int M, const float* src, const Taps& tp,
                              int64_t rows, int run = 1) {
    int64_t vectors = rows / 16, blocks = (vectors + 3) / 4;
    for (int64_t blk = 0, t0 = 0; blk < blocks; blk++) {
        int nv = (int) (vectors / blocks + (blk < vectors % blocks ? 1 : 0));
        switch (run) {
            case 6: shift_rows<6>(out, wt, M, src, tp, t0, nv); break;
            case 5: shift_rows<5>(out, wt, M, src, tp, t0, nv); break;
            case 4: shift_rows<4>(out, wt, M, src, tp, t0, nv); break;
            case 3: shift_rows<3>(out, wt, M, src, tp, t0, nv); break;
            case 2: shift_rows<2>(out, wt, M, src, tp, t0, nv); break;
            default: shift_rows<1>(out, wt, M, src, tp, t0, nv); break;
        }
        t0 += 16 * nv;
    }
}

// One level of the transposing sum: lanes of a and b in halves of w, folded pairwise
NNK_INLINE void fold(v16& out, const v16& a, const v16& b, int w) {
    i16 lo, hi;
    for (int l = 0; l < 16; l++) {   // lane l takes piece l / w of [a | b], cut into pieces of w lanes
        int piece = l / w, at = l % w;
        lo[l] = piece * 2 * w + at;
        hi[l] = piece * 2 * w + w + at;
    }
    out = __builtin_shuffle(a, b, lo) + __builtin_shuffle(a, b, hi);
}

// sums[k] = the lanes of v[k] totalled, for 16 vectors at once (15 vector adds instead of 240 scalar ones),
// in a fixed order
NNK_INLINE void lanes_totals16(v16& sums, const v16* v) {
    v16 r[8], s[4], t[2];
    for (int k = 0; k < 8; k++) fold(r[k], v[2 * k], v[2 * k + 1], 8);
    for (int k = 0; k < 4; k++) fold(s[k], r[2 * k], r[2 * k + 1], 4);
    for (int k = 0; k < 2; k++) fold(t[k], s[2 * k], s[2 * k + 1], 2);
    fold(sums, t[0], t[1], 1);
}

// partial[o·K + tap] += Σ_sample Σ_t dy[o][t] · x[off[tap] + t] for o < OB, tap < TB of the block, dy's
// rows `rows` apart; dy has zeros where the wide positions are dropped, so every t of the run counts
template <int OB, int TB, bool ROW>
NNK_INLINE void reduce_block(float* partial, int64_t K, const float* dy, const float* x,
                             const int64_t* off, int m, int64_t dy_step, int64_t x_step, int64_t rows) {
    v16 acc[OB][TB];
    for (int o = 0; o < OB; o++)
        for (int k = 0; k < TB; k++) acc[o][k] = (v16){};
    for (int n = 0; n < m; n++, dy += dy_step, x += x_step)
        for (int64_t t = 0; t < rows; t += 16) {
            v16 d[OB], v[TB];
            for (int o = 0; o < OB; o++) load16(d[o], dy + o * rows + t);
            if (ROW) {   // taps side by side: one window of 32 floats, shifted by each tap's lane
                v16 lo, hi;
                load16(lo, x + off[0] + t);
                load16(hi, x + off[0] + t + 16);
                for (int k = 0; k < TB; k++) shifted(v[k], lo, hi, k);
            } else {
                for (int k = 0; k < TB; k++) load16(v[k], x + off[k] + t);
            }
            for (int o = 0; o < OB; o++)
                for (int k = 0; k < TB; k++) acc[o][k] += d[o] * v[k];
        }
    static_assert(OB * TB <= 16, "one transposing sum");
    v16 all[16];
    for (int b = 0; b < 16; b++) all[b] = b < OB * TB ? acc[b / TB][b % TB] : (v16){};
    v16 sums;
    lanes_totals16(sums, all);
    float l[16];
    memcpy(l, &sums, sizeof l);
    for (int o = 0; o < OB; o++)
        for (int k = 0; k < TB; k++) partial[o * K + k] += l[o * TB + k];
}

template <int OB, int TB>
NNK_INLINE void reduce_block(float* partial, int64_t K, const float* dy, const float* x,
                             const int64_t* off, int m, int64_t dy_step, int64_t x_step, int64_t rows) {
    bool row = OB <= 3;   // larger blocks need every register for their accumulators and gradient rows
    for (int k = 1; k < TB; k++) row &= off[k] == off[0] + k;
    if (row) reduce_block<OB, TB, true>(partial, K, dy, x, off, m, dy_step, x_step, rows);
    else reduce_block<OB, TB, false>(partial, K, dy, x, off, m, dy_step, x_step, rows);
}

template <int OB>
NNK_INLINE void reduce_blocks(float* partial, int64_t K, const float* dy, const float* x,
                              const int64_t* off, int m, int64_t dy_step, int64_t x_step, int64_t rows, int tb) {
    switch (tb) {
        case 5:
            if constexpr (OB <= 3) { reduce_block<OB, 5>(partial, K, dy, x, off, m, dy_step, x_step, rows); break; }
            [[fallthrough]];   // not a shape shift_reduce makes
        case 4: reduce_block<OB, 4>(partial, K, dy, x, off, m, dy_step, x_step, rows); break;
        case 3: reduce_block<OB, 3>(partial, K, dy, x, off, m, dy_step, x_step, rows); break;
        case 2: reduce_block<OB, 2>(partial, K, dy, x, off, m, dy_step, x_step, rows); break;
        default: reduce_block<OB, 1>(partial, K, dy, x, off, m, dy_step, x_step, rows); break;
    }
}

// partial (OC × taps) += the weight gradient of m samples whose planes (x) and wide output gradients
// (dy, OC × rows each) sit one after another. Blocks of 4 outputs × 4 taps, or 3 × 5 where the outputs
// come in threes (a first layer's 6: no half-empty blocks) or the kernel rows are 5 taps wide (`run`:
// the kernel's width when its taps are side by side). 3 × 3 blocks for 3-wide rows measured slower:
// on network D's large planes the passes over the data, not the loads, bound the reduction.
NNK_INLINE void shift_reduce(float* partial, int OC, const float* dy, const float* x, const Taps& tp, int m,
                             int64_t x_step, int64_t rows, int run) {
    int64_t dy_step = OC * rows;
    int OB = OC % 4 != 0 && OC % 3 == 0 ? 3 : 4, TB = OB == 3 ? 5 : 4;
    if (run == 5) {   // blocks of whole kernel rows, their taps shifted in registers (reduce_block)
        OB = 3;
        TB = 5;
    }
    for (int o = 0; o < OC; o += OB) {
        int ob = OC - o < OB ? OC - o : OB;
        for (int k = 0; k < tp.n; k += TB) {
            int tb = tp.n - k < TB ? tp.n - k : TB;
            float* p = partial + o * tp.n + k;
            const float* d = dy + o * rows;
            switch (ob) {
                case 4: reduce_blocks<4>(p, tp.n, d, x, tp.off + k, m, dy_step, x_step, rows, tb); break;
                case 3: reduce_blocks<3>(p, tp.n, d, x, tp.off + k, m, dy_step, x_step, rows, tb); break;
                case 2: reduce_blocks<2>(p, tp.n, d, x, tp.off + k, m, dy_step, x_step, rows, tb); break;
                default: reduce_blocks<1>(p, tp.n, d, x, tp.off + k, m, dy_step, x_step, rows, tb); break;
            }
        }
    }
}

int64_t slot_floats(const Conv& c) { return (c.K + c.OC) * c.ld(); }   // a slot's cols and wide

// Direct products for stride 1, up to MAX_TAPS taps: faster than im2col + GEMM on every benchmark
// network's layer, OpenBLAS's transposed AVX-512 products included (no column buffer to write and
// read back). Functions of the shape only, like every choice here; each also needs its planes to fit
// the slot.
bool direct(const Conv& c) { return c.g.sh == 1 && c.g.sw == 1 && c.K <= MAX_TAPS; }

bool direct_forward(const Conv& c) {
    Plane p = forward_plane(c.g);
    return direct(c) && p.size + c.OC * p.rows <= slot_floats(c);
}

bool direct_input(const Conv& c) {   // the plane and the output gradient's wide rows
    Plane p = forward_plane(c.g);
    return direct(c) && c.OC <= MAX_TAPS && p.size + c.OC * p.rows <= slot_floats(c);
}

bool direct_weight(const Conv& c) {
    Plane p = forward_plane(c.g);
    return direct(c) && c.group * (p.size + c.OC * p.rows) <= slot_floats(c);   // a whole group's planes
}

// y (OC, OH, OW) = the wide rows' first OW columns + bias
NNK_INLINE void narrow(float* y, const float* wide, int64_t ld, const float* bias, int channels, int OH, int OW, int Wp) {
    for (int o = 0; o < channels; o++) {
        float b = bias ? bias[o] : 0.0f;
        for (int i = 0; i < OH; i++) {
            const float* w = wide + o * ld + (int64_t) i * Wp;
            float* yo = y + ((int64_t) o * OH + i) * OW;
            for (int j = 0; j < OW; j++) yo[j] = w[j] + b;
        }
    }
}

NNK_CLONES void direct_forward_task(void* ctx, int64_t begin, int64_t end, int part) {
    const Conv& c = *static_cast<const Conv*>(ctx);
    const Geo& g = c.g;
    Plane p = forward_plane(g);
    Taps tp;
    taps(tp, g, p);
    float* xp = c.cols(part);
    float* yw = xp + p.size;
    for (int64_t grp = begin; grp < end; grp++)
        for (int n = c.first(grp), e = n + c.count(grp); n < e; n++) {
            pad_into(xp, c.inp + (int64_t) n * g.C * g.H * g.W, g, p);
            shift_product(Rows{yw, p.rows, nullptr}, c.partial(0), c.OC, xp, tp, p.rows);   // Wᵀ: slot 0's partial area
            narrow(c.out + (int64_t) n * c.OC * c.S, yw, p.rows, c.bias, c.OC, g.OH, g.OW, p.Wp);
        }
}

// dyw (OC × rows) = dy (OC, OH, OW) in wide rows of Wp, zero past each row's OW columns and the last row
NNK_INLINE void widen(float* dyw, const float* dy, int OC, const Geo& g, const Plane& p) {
    memset(dyw, 0, sizeof(float) * OC * p.rows);
    for (int o = 0; o < OC; o++)
        for (int i = 0; i < g.OH; i++)
            copy_floats(dyw + o * p.rows + (int64_t) i * p.Wp, dy + ((int64_t) o * g.OH + i) * g.OW, g.OW);
}

NNK_CLONES void direct_input_task(void* ctx, int64_t begin, int64_t end, int part) {
    const Conv& c = *static_cast<const Conv*>(ctx);
    const Geo& g = c.g;
    Plane p = forward_plane(g);
    Taps tp, dy_rows;   // the patch's taps in the plane; the output gradient's channels in its wide rows
    taps(tp, g, p);
    dy_rows.n = c.OC;
    for (int o = 0; o < c.OC; o++) dy_rows.off[o] = o * p.rows;
    float* xp = c.cols(part);
    float* dyw = xp + p.size;
    int run = g.dw == 1 && g.kw <= 6 ? g.kw : 1;   // a kernel row's taps: consecutive targets in the plane
    for (int64_t grp = begin; grp < end; grp++)
        for (int n = c.first(grp), e = n + c.count(grp); n < e; n++) {
            widen(dyw, c.dout + (int64_t) n * c.OC * c.S, c.OC, g, p);
            memset(xp, 0, sizeof(float) * p.size);
            // Wᵀ·dy (K, rows), each patch row added into the plane at its tap (dropped columns add zeros)
            shift_product(Rows{xp, 0, tp.off}, c.weight, (int) c.K, dyw, dy_rows, p.rows, run);
            narrow(c.dinp + (int64_t) n * g.C * g.H * g.W, xp + (int64_t) g.ph * p.Wp + g.pw, (int64_t) p.Hp * p.Wp,
                   nullptr, g.C, g.H, g.W, p.Wp);
        }
}

NNK_CLONES void direct_weight_task(void* ctx, int64_t begin, int64_t end, int part) {
    const Conv& c = *static_cast<const Conv*>(ctx);
    const Geo& g = c.g;
    Plane p = forward_plane(g);
    Taps tp;
    taps(tp, g, p);
    float* xs = c.cols(part);
    float* dys = xs + c.group * p.size;
    for (int64_t grp = begin; grp < end; grp++) {
        int n0 = c.first(grp), m = c.count(grp);
        for (int j = 0; j < m; j++) {
            int n = n0 + j;
            pad_into(xs + j * p.size, c.inp + (int64_t) n * g.C * g.H * g.W, g, p);
            widen(dys + (int64_t) j * c.OC * p.rows, c.dout + (int64_t) n * c.OC * c.S, c.OC, g, p);
        }
        shift_reduce(c.partial(part), c.OC, dys, xs, tp, m, p.size, p.rows, g.dw == 1 ? g.kw : 1);
    }
}

Conv conv(float* scratch, int N, int OC, int group, int slots, const Geo& g) {
    Conv c{};
    c.g = g; c.N = N; c.OC = OC; c.group = group; c.slots = slots;
    c.S = (int64_t) g.OH * g.OW; c.K = (int64_t) g.C * g.kh * g.kw;
    c.scratch = scratch;
    return c;
}

int64_t groups(const Conv& c) { return (c.N + c.group - 1) / c.group; }

}  // namespace

#define GEO_PARAMS int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw
#define GEO_ARGS C, H, W, kh, kw, sh, sw, ph, pw, dh, dw

NNK_API void conv2d_forward(float* out, const float* inp, const float* weight, const float* bias, float* scratch,
                            int N, int OC, int group, int slots, GEO_PARAMS) {
    Conv c = conv(scratch, N, OC, group, slots, geo(GEO_ARGS));
    c.out = out; c.inp = inp; c.weight = weight; c.bias = bias;
    bool d = direct_forward(c);
    if (d || transposed_forward(c)) {   // Wᵀ (K, OC) into slot 0's partial area, unused by the forward pass
        float* wt = c.partial(0);
        for (int o = 0; o < OC; o++)
            for (int64_t k = 0; k < c.K; k++) wt[k * OC + o] = weight[o * c.K + k];
    }
    nnk_run_parts(d ? direct_forward_task : conv_forward_task, &c, groups(c), slots, 1);
}

NNK_API void conv2d_backward_input(float* dinp, const float* dout, const float* weight, float* scratch,
                                   int N, int OC, int group, int slots, GEO_PARAMS) {
    Conv c = conv(scratch, N, OC, group, slots, geo(GEO_ARGS));
    c.dinp = dinp; c.dout = dout; c.weight = weight;
    bool d = direct_input(c);
    nnk_run_parts(d ? direct_input_task : conv_backward_input_task, &c, groups(c), slots, 1);
}

NNK_API void conv2d_backward_weight(float* dweight, float* dbias, const float* dout, const float* inp, float* scratch,
                                    int N, int OC, int group, int slots, GEO_PARAMS) {
    Conv c = conv(scratch, N, OC, group, slots, geo(GEO_ARGS));
    c.dweight = dweight; c.dout = dout; c.inp = inp;
    for (int p = 0; p < slots; p++) memset(c.partial(p), 0, sizeof(float) * OC * c.K);
    bool d = direct_weight(c);
    nnk_run_parts(d ? direct_weight_task : conv_backward_weight_task, &c, groups(c), slots, 1);
    for (int p = 0; p < slots; p++) {   // in slot order: the same sums whoever ran the slots
        const float* q = c.partial(p);  // (OC, K) from the direct path, (K, OC) from the GEMM's
        if (d) {
            for (int64_t k = 0; k < OC * c.K; k++) dweight[k] += q[k];
        } else {
            for (int o = 0; o < OC; o++)
                for (int64_t k = 0; k < c.K; k++) dweight[o * c.K + k] += q[k * OC + o];
        }
    }
    if (dbias) {
        for (int o = 0; o < OC; o++) {
            float s = 0.0f;
            for (int n = 0; n < N; n++) s += row_sum(dout + ((int64_t) n * OC + o) * c.S, c.S);
            dbias[o] += s;
        }
    }
}

namespace {

// Pooling runs over planes (sample, channel) or samples, split by nnk_parallel: every output element
// is computed by one task in one fixed order, so the split changes no result.
struct Pool {
    Geo g;
    int N;
    int count_include_pad;
    const float* inp; const float* dout; const float* argmax;
    float* out; float* arg_out; float* dinp;
    int64_t bad[NNK_MAX_THREADS];
    int64_t in() const { return (int64_t) g.C * g.H * g.W; }
    int64_t plane_out() const { return (int64_t) g.OH * g.OW; }
};

// The kernel rows [lo, hi) of output row i that land inside the input (also for columns).
inline void valid_taps(int i, int s, int p, int d, int k, int size, int& lo, int& hi) {
    int start = i * s - p;
    lo = start >= 0 ? 0 : (-start + d - 1) / d;
    hi = start + (k - 1) * d < size ? k : (size - 1 - start) / d + 1;
    if (hi < lo) hi = lo;
}

// Windows inside the input (no padding, dilation 1), the common case: each starts from its first
// element, so there is nothing to check, and the kernel sizes are loop constants for the compiler.
template <int KH, int KW>
NNK_INLINE void maxpool_plane_inside(const float* x, float* y, float* a, int base, const Geo& g) {
    int kh = KH ? KH : g.kh, kw = KW ? KW : g.kw;
    for (int i = 0; i < g.OH; i++)
        for (int j = 0; j < g.OW; j++) {
            int first = i * g.sh * g.W + j * g.sw;
            float m = x[first];
            int at = first;
            for (int ki = 0; ki < kh; ki++)
                for (int kj = 0; kj < kw; kj++) {
                    int v = first + ki * g.W + kj;
                    float val = x[v];
                    bool take = val > m || val != val;
                    m = take ? val : m;
                    at = take ? v : at;
                }
            y[i * g.OW + j] = m;
            a[i * g.OW + j] = (float) (base + at);
        }
}

// 2x2 windows at stride 2 inside the input, the common pooling: they tile it without overlap
NNK_INLINE bool tiles_2x2(const Geo& g) {
    return g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1;
}

// m, at = v, pos where v is greater than m or NaN (the rule below, for 16 windows at once). Bitwise
// selects, and NaN lanes found before the shuffles: otherwise GCC scalarizes the whole comparison.
NNK_INLINE void take_max(v16& m, v16& at, const v16& v, const i16& nan, const v16& pos) {
    i16 take = (v > m) | nan;
    m = (v16) (((i16) v & take) | ((i16) m & ~take));
    at = (v16) (((i16) pos & take) | ((i16) at & ~take));
}

// 2x2 windows at stride 2 inside the input, the common pooling: 16 outputs of a row at once, from the
// row pair's 32 columns split into even and odd lanes. A row's 16 lanes may run past its end into the
// next row (later rows overwrite them), never past the plane's outputs or the input (`end`).
NNK_INLINE void maxpool_plane_2x2(const float* x, float* y, float* a, int base, const Geo& g, const float* end) {
    const i16 even = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
    const i16 odd = even + 1;
    v16 lane;
    for (int l = 0; l < 16; l++) lane[l] = (float) (2 * l);
    int64_t plane = (int64_t) g.OH * g.OW;
    for (int i = 0; i < g.OH; i++)
        for (int j0 = 0; j0 < g.OW; j0 += 16) {
            const float* r0 = x + (int64_t) 2 * i * g.W + 2 * j0;
            const float* r1 = r0 + g.W;
            int n = g.OW - j0 < 16 ? g.OW - j0 : 16;
            v16 t0, t1, b0, b1;
            if (r1 + 32 <= end) {
                load16(t0, r0); load16(t1, r0 + 16); load16(b0, r1); load16(b1, r1 + 16);
            } else {
                float buf[64] = {};
                copy_floats(buf, r0, 2 * n);
                copy_floats(buf + 32, r1, 2 * n);
                load16(t0, buf); load16(t1, buf + 16); load16(b0, buf + 32); load16(b1, buf + 48);
            }
            v16 pos = lane + (float) (base + 2 * i * g.W + 2 * j0);
            i16 nt0 = t0 != t0, nt1 = t1 != t1, nb0 = b0 != b0, nb1 = b1 != b1;
            v16 m = __builtin_shuffle(t0, t1, even), at = pos;
            take_max(m, at, __builtin_shuffle(t0, t1, odd), __builtin_shuffle(nt0, nt1, odd), pos + 1.0f);
            take_max(m, at, __builtin_shuffle(b0, b1, even), __builtin_shuffle(nb0, nb1, even), pos + (float) g.W);
            take_max(m, at, __builtin_shuffle(b0, b1, odd), __builtin_shuffle(nb0, nb1, odd), pos + (float) (g.W + 1));
            int64_t k = (int64_t) i * g.OW + j0;
            if (k + 16 <= plane) {
                memcpy(y + k, &m, sizeof m);
                memcpy(a + k, &at, sizeof at);
            } else {
                copy_floats(y + k, (const float*) &m, n);
                copy_floats(a + k, (const float*) &at, n);
            }
        }
}

// PyTorch's CPU rule: the first element inside the input, replaced by any greater value or any NaN.
// Output columns run innermost, in blocks, with selects instead of branches (which maxima defeat),
// so the loop vectorizes; each window still visits its taps in row-major order.
NNK_CLONES void maxpool_planes(void* ctx, int64_t begin, int64_t end, int) {
    const Pool& q = *static_cast<const Pool*>(ctx);
    const Geo& g = q.g;
    constexpr int B = 256;
    float m[B];
    int at[B], seen[B];
    bool inside = g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1;
    const float* inp_end = q.inp + (int64_t) q.N * q.in();
    for (int64_t pl = begin; pl < end; pl++) {
        int64_t c = pl % g.C;
        const float* x = q.inp + pl * g.H * g.W;   // a sample's planes are consecutive
        float* y = q.out + pl * q.plane_out();
        float* a = q.arg_out + pl * q.plane_out();
        int base = (int) (c * g.H * g.W);
        if (inside) {
            if (tiles_2x2(g)) maxpool_plane_2x2(x, y, a, base, g, inp_end);
            else if (g.kh == 2 && g.kw == 2) maxpool_plane_inside<2, 2>(x, y, a, base, g);
            else if (g.kh == 3 && g.kw == 3) maxpool_plane_inside<3, 3>(x, y, a, base, g);
            else maxpool_plane_inside<0, 0>(x, y, a, base, g);
            continue;
        }
        for (int i = 0; i < g.OH; i++) {
            int klo, khi;
            valid_taps(i, g.sh, g.ph, g.dh, g.kh, g.H, klo, khi);
            for (int j0 = 0; j0 < g.OW; j0 += B) {
                int jn = g.OW - j0 < B ? g.OW - j0 : B;
                for (int j = 0; j < jn; j++) { m[j] = -INFINITY; at[j] = 0; seen[j] = 0; }
                for (int ki = klo; ki < khi; ki++) {
                    int h = i * g.sh - g.ph + ki * g.dh;
                    const float* row = x + (int64_t) h * g.W;
                    for (int kj = 0; kj < g.kw; kj++) {
                        int lo, hi;
                        valid_cols(g, kj, lo, hi);
                        lo = lo > j0 ? lo - j0 : 0;
                        hi = hi - j0 < jn ? hi - j0 : jn;
                        int off = j0 * g.sw - g.pw + kj * g.dw;
                        for (int j = lo; j < hi; j++) {
                            int v = j * g.sw + off;
                            float val = row[v];
                            int take = !seen[j] | (val > m[j]) | (val != val);
                            m[j] = take ? val : m[j];
                            at[j] = take ? h * g.W + v : at[j];
                            seen[j] = 1;
                        }
                    }
                }
                for (int j = 0; j < jn; j++) {
                    y[(int64_t) i * g.OW + j0 + j] = m[j];
                    a[(int64_t) i * g.OW + j0 + j] = (float) (base + at[j]);
                }
            }
        }
    }
}

NNK_INLINE bool bad_position(float a, float in) { return !(a >= 0.0f && a < in) || a != truncf(a); }

// Finds the first position outside the sample, by blocks of branch-free (vectorizable) tests
NNK_CLONES void maxpool_check(void* ctx, int64_t begin, int64_t end, int part) {
    Pool& q = *static_cast<Pool*>(ctx);
    float in = (float) q.in();
    q.bad[part] = -1;
    for (int64_t k0 = begin; k0 < end; k0 += 256) {
        int64_t k1 = end - k0 < 256 ? end : k0 + 256;
        int any = 0;
        for (int64_t k = k0; k < k1; k++) any |= bad_position(q.argmax[k], in);
        if (!any) continue;
        for (int64_t k = k0; k < k1; k++)
            if (bad_position(q.argmax[k], in)) { q.bad[part] = k; return; }
    }
}

// One sample's dx for 2x2 windows at stride 2, which never overlap: each input element is its window's
// gradient or 0, written row pair by row pair, without a zeroing pass or scattered adds (+ 0.0f: as
// 0 + dy there, -0 becomes 0). False, dx partly written, when an argmax is not inside its window (an
// argmax tensor changed since the forward): the caller then scatters.
NNK_INLINE bool maxpool_backward_2x2(float* dx, const float* a, const float* dy, const Geo& g) {
    const i16 lo = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
    const i16 hi = lo + 8;
    v16 lane;
    i16 index;
    for (int l = 0; l < 16; l++) { lane[l] = (float) (2 * l); index[l] = l; }
    int64_t plane = (int64_t) g.OH * g.OW, inplane = (int64_t) g.H * g.W, outs = g.C * plane;
    bool whole = ((g.H | g.W) & 1) == 0;   // the windows cover every element
    if (!whole) memset(dx, 0, sizeof(float) * g.C * inplane);
    i16 stray = {};
    for (int c = 0; c < g.C; c++)
        for (int i = 0; i < g.OH; i++)
            for (int j0 = 0; j0 < g.OW; j0 += 16) {
                int n = g.OW - j0 < 16 ? g.OW - j0 : 16;
                int64_t k = c * plane + (int64_t) i * g.OW + j0;
                v16 at, d;
                if (k + 16 <= outs) {
                    load16(at, a + k); load16(d, dy + k);
                } else {
                    float buf[32] = {};
                    copy_floats(buf, a + k, n);
                    copy_floats(buf + 16, dy + k, n);
                    load16(at, buf); load16(d, buf + 16);
                }
                int64_t first = c * inplane + (int64_t) 2 * i * g.W + 2 * j0;
                v16 p = lane + (float) first;
                i16 m0 = at == p, m1 = at == p + 1.0f, m2 = at == p + (float) g.W, m3 = at == p + (float) (g.W + 1);
                stray |= (index < n) & (m0 + m1 + m2 + m3 + 1);   // not |: GCC scalarizes or-ed comparisons
                v16 d0 = (v16) ((i16) d & m0) + 0.0f, d1 = (v16) ((i16) d & m1) + 0.0f;
                v16 d2 = (v16) ((i16) d & m2) + 0.0f, d3 = (v16) ((i16) d & m3) + 0.0f;
                v16 t0 = __builtin_shuffle(d0, d1, lo), t1 = __builtin_shuffle(d0, d1, hi);
                v16 b0 = __builtin_shuffle(d2, d3, lo), b1 = __builtin_shuffle(d2, d3, hi);
                float* top = dx + first;
                // 32 columns: inside the row, or a row's only block running into rows written later
                if (whole && k + 16 < outs && (n == 16 || j0 == 0)) {
                    memcpy(top, &t0, sizeof t0); memcpy(top + 16, &t1, sizeof t1);
                    memcpy(top + g.W, &b0, sizeof b0); memcpy(top + g.W + 16, &b1, sizeof b1);
                } else {
                    float row[32];
                    memcpy(row, &t0, sizeof t0); memcpy(row + 16, &t1, sizeof t1);
                    copy_floats(top, row, 2 * n);
                    memcpy(row, &b0, sizeof b0); memcpy(row + 16, &b1, sizeof b1);
                    copy_floats(top + g.W, row, 2 * n);
                }
            }
    int any = 0;
    for (int l = 0; l < 16; l++) any |= stray[l];
    return !any;
}

NNK_CLONES void maxpool_backward_samples(void* ctx, int64_t begin, int64_t end, int) {
    const Pool& q = *static_cast<const Pool*>(ctx);
    const Geo& g = q.g;
    // 2x2 windows at stride 2, in rows of at least half a vector (shorter ones scatter faster)
    bool tiles = tiles_2x2(g) && g.OW >= 8;
    int64_t in = q.in(), out = q.g.C * q.plane_out();
    for (int64_t n = begin; n < end; n++) {
        float* dx = q.dinp + n * in;
        const float* a = q.argmax + n * out;
        const float* dy = q.dout + n * out;
        if (tiles && maxpool_backward_2x2(dx, a, dy, g)) continue;
        memset(dx, 0, sizeof(float) * in);
        for (int64_t k = 0; k < out; k++) dx[(int64_t) a[k]] += dy[k];
    }
}

Pool pool(int N, const Geo& g) {
    Pool q{};
    q.g = g; q.N = N;
    return q;
}

}  // namespace

NNK_API void maxpool2d_forward(float* out, float* argmax, const float* inp, int N, GEO_PARAMS) {
    Pool q = pool(N, geo(GEO_ARGS));
    q.out = out; q.arg_out = argmax; q.inp = inp;
    nnk_parallel(maxpool_planes, &q, (int64_t) N * C, (int64_t) N * q.in(), 1);
}

// Returns -1, or the position in argmax of the first index outside the sample (nothing written then):
// argmax is an ordinary tensor a caller could have changed since the forward.
NNK_API int64_t maxpool2d_backward(float* dinp, const float* dout, const float* argmax, int N, GEO_PARAMS) {
    Pool q = pool(N, geo(GEO_ARGS));
    q.dinp = dinp; q.dout = dout; q.argmax = argmax;
    int64_t outs = (int64_t) N * C * q.plane_out();
    int parts = nnk_parallel(maxpool_check, &q, outs, outs, 1);
    for (int p = 0; p < parts; p++)
        if (q.bad[p] >= 0) return q.bad[p];
    nnk_parallel(maxpool_backward_samples, &q, N, (int64_t) N * q.in(), 1);
    return -1;
}

namespace {
struct AvgWindow { int hs, he, ws, we, div; };

AvgWindow avg_window(const Geo& g, int i, int j, int count_include_pad) {
    int hs = i * g.sh - g.ph, ws = j * g.sw - g.pw;
    int he = hs + g.kh < g.H + g.ph ? hs + g.kh : g.H + g.ph;
    int we = ws + g.kw < g.W + g.pw ? ws + g.kw : g.W + g.pw;
    int size = (he - hs) * (we - ws);
    if (hs < 0) hs = 0;
    if (ws < 0) ws = 0;
    if (he > g.H) he = g.H;
    if (we > g.W) we = g.W;
    return {hs, he, ws, we, count_include_pad ? size : (he - hs) * (we - ws)};
}

NNK_CLONES void avgpool_planes(void* ctx, int64_t begin, int64_t end, int) {
    const Pool& q = *static_cast<const Pool*>(ctx);
    const Geo& g = q.g;
    for (int64_t pl = begin; pl < end; pl++) {
        const float* x = q.inp + pl * g.H * g.W;   // planes of a sample are consecutive: (n·C + c)·H·W
        float* y = q.out + pl * q.plane_out();
        for (int i = 0; i < g.OH; i++)
            for (int j = 0; j < g.OW; j++) {
                AvgWindow a = avg_window(g, i, j, q.count_include_pad);
                double sum = 0;
                for (int h = a.hs; h < a.he; h++)
                    for (int v = a.ws; v < a.we; v++) sum += x[(int64_t) h * g.W + v];
                y[(int64_t) i * g.OW + j] = (float) (sum / a.div);
            }
    }
}

NNK_CLONES void avgpool_backward_planes(void* ctx, int64_t begin, int64_t end, int) {
    const Pool& q = *static_cast<const Pool*>(ctx);
    const Geo& g = q.g;
    for (int64_t pl = begin; pl < end; pl++) {
        float* dx = q.dinp + pl * g.H * g.W;
        const float* dy = q.dout + pl * q.plane_out();
        memset(dx, 0, sizeof(float) * g.H * g.W);
        for (int i = 0; i < g.OH; i++)
            for (int j = 0; j < g.OW; j++) {
                AvgWindow a = avg_window(g, i, j, q.count_include_pad);
                float d = dy[(int64_t) i * g.OW + j] / (float) a.div;
                for (int h = a.hs; h < a.he; h++)
                    for (int v = a.ws; v < a.we; v++) dx[(int64_t) h * g.W + v] += d;
            }
    }
}
}  // namespace

NNK_API void avgpool2d_forward(float* out, const float* inp, int count_include_pad, int N, GEO_PARAMS) {
    Pool q = pool(N, geo(GEO_ARGS));
    q.out = out; q.inp = inp; q.count_include_pad = count_include_pad;
    nnk_parallel(avgpool_planes, &q, (int64_t) N * C, (int64_t) N * q.in(), 1);
}

NNK_API void avgpool2d_backward(float* dinp, const float* dout, int count_include_pad, int N, GEO_PARAMS) {
    Pool q = pool(N, geo(GEO_ARGS));
    q.dinp = dinp; q.dout = dout; q.count_include_pad = count_include_pad;
    nnk_parallel(avgpool_backward_planes, &q, (int64_t) N * C, (int64_t) N * q.in(), 1);
}
