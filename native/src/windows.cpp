// SPDX-License-Identifier: Apache-2.0
// Convolution (im2col + our GEMM, one sample at a time, so the column buffer is one sample's
// C·kh·kw × OH·OW) and pooling over NCHW rows. Plain loops beside the GEMM; the GEMM splits by shape
// only (gemm.cpp), so results are the same for every thread count.
#include <math.h>
#include <string.h>
#include "nnk_internal.h"

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

// cols[(c·kh + ki)·kw + kj][i·OW + j] = x[c][i·sh − ph + ki·dh][j·sw − pw + kj·dw], 0 outside
void im2col(float* cols, const float* x, const Geo& g) {
    int64_t S = (int64_t) g.OH * g.OW;
    for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.kh; ki++)
            for (int kj = 0; kj < g.kw; kj++) {
                float* row = cols + ((int64_t) (c * g.kh + ki) * g.kw + kj) * S;
                for (int i = 0; i < g.OH; i++) {
                    int h = i * g.sh - g.ph + ki * g.dh;
                    float* r = row + (int64_t) i * g.OW;
                    if (h < 0 || h >= g.H) { memset(r, 0, sizeof(float) * g.OW); continue; }
                    const float* xr = x + ((int64_t) c * g.H + h) * g.W;
                    for (int j = 0; j < g.OW; j++) {
                        int v = j * g.sw - g.pw + kj * g.dw;
                        r[j] = v >= 0 && v < g.W ? xr[v] : 0.0f;
                    }
                }
            }
}

// x = 0, then x[...] += cols[...]: im2col's adjoint
void col2im(float* x, const float* cols, const Geo& g) {
    int64_t S = (int64_t) g.OH * g.OW;
    memset(x, 0, sizeof(float) * (int64_t) g.C * g.H * g.W);
    for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.kh; ki++)
            for (int kj = 0; kj < g.kw; kj++) {
                const float* row = cols + ((int64_t) (c * g.kh + ki) * g.kw + kj) * S;
                for (int i = 0; i < g.OH; i++) {
                    int h = i * g.sh - g.ph + ki * g.dh;
                    if (h < 0 || h >= g.H) continue;
                    const float* r = row + (int64_t) i * g.OW;
                    float* xr = x + ((int64_t) c * g.H + h) * g.W;
                    for (int j = 0; j < g.OW; j++) {
                        int v = j * g.sw - g.pw + kj * g.dw;
                        if (v >= 0 && v < g.W) xr[v] += r[j];
                    }
                }
            }
}

}  // namespace

#define GEO_PARAMS int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw
#define GEO_ARGS C, H, W, kh, kw, sh, sw, ph, pw, dh, dw

NNK_API void conv2d_forward(float* out, const float* inp, const float* weight, const float* bias, float* cols,
                            int N, int OC, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int S = g.OH * g.OW, K = C * kh * kw;
    for (int n = 0; n < N; n++) {
        float* y = out + (int64_t) n * OC * S;
        im2col(cols, inp + (int64_t) n * C * H * W, g);
        for (int o = 0; o < OC; o++) {   // the bias first, then y += W·cols: one pass over y
            float b = bias ? bias[o] : 0.0f;
            for (int k = 0; k < S; k++) y[(int64_t) o * S + k] = b;
        }
        sgemm(y, weight, cols, 0, 0, 1.0f, 1.0f, OC, S, K, K, S, S);
    }
}

NNK_API void conv2d_backward_input(float* dinp, const float* dout, const float* weight, float* cols,
                                   int N, int OC, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int S = g.OH * g.OW, K = C * kh * kw;
    for (int n = 0; n < N; n++) {
        sgemm(cols, weight, dout + (int64_t) n * OC * S, 1, 0, 1.0f, 0.0f, K, S, OC, K, S, S);   // Wᵀ·dy
        col2im(dinp + (int64_t) n * C * H * W, cols, g);
    }
}

NNK_API void conv2d_backward_weight(float* dweight, float* dbias, const float* dout, const float* inp, float* cols,
                                    int N, int OC, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int S = g.OH * g.OW, K = C * kh * kw;
    for (int n = 0; n < N; n++) {
        const float* dy = dout + (int64_t) n * OC * S;
        im2col(cols, inp + (int64_t) n * C * H * W, g);
        sgemm(dweight, dy, cols, 0, 1, 1.0f, 1.0f, OC, K, S, S, S, K);   // dW += dy·colsᵀ
        if (dbias) {
            for (int o = 0; o < OC; o++) {
                float s = 0.0f;
                for (int k = 0; k < S; k++) s += dy[(int64_t) o * S + k];
                dbias[o] += s;
            }
        }
    }
}

// PyTorch's CPU rule: the first element inside the input, replaced by any greater value or any NaN.
NNK_API void maxpool2d_forward(float* out, float* argmax, const float* inp, int N, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int64_t in = (int64_t) C * H * W, plane = (int64_t) g.OH * g.OW;
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < g.OH; i++)
                for (int j = 0; j < g.OW; j++) {
                    float max = -INFINITY;
                    int64_t at = -1;
                    for (int ki = 0; ki < kh; ki++) {
                        int h = i * sh - ph + ki * dh;
                        if (h < 0 || h >= H) continue;
                        for (int kj = 0; kj < kw; kj++) {
                            int v = j * sw - pw + kj * dw;
                            if (v < 0 || v >= W) continue;
                            int64_t xi = ((int64_t) c * H + h) * W + v;
                            float val = inp[n * in + xi];
                            if (at < 0) at = xi;
                            if (val > max || isnan(val)) { max = val; at = xi; }
                        }
                    }
                    int64_t k = n * C * plane + c * plane + (int64_t) i * g.OW + j;
                    out[k] = max;
                    argmax[k] = (float) at;
                }
}

// Returns -1, or the position in argmax of the first index outside [0, C·H·W) (nothing written then):
// argmax is an ordinary tensor a caller could have changed since the forward.
NNK_API int64_t maxpool2d_backward(float* dinp, const float* dout, const float* argmax, int N, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int64_t in = (int64_t) C * H * W, out = (int64_t) C * g.OH * g.OW;
    for (int64_t k = 0; k < N * out; k++) {
        float a = argmax[k];
        if (!(a >= 0.0f && a < (float) in) || a != (float) (int64_t) a) return k;
    }
    memset(dinp, 0, sizeof(float) * N * in);
    for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < out; k++) dinp[n * in + (int64_t) argmax[n * out + k]] += dout[n * out + k];
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
}  // namespace

NNK_API void avgpool2d_forward(float* out, const float* inp, int count_include_pad, int N, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int64_t in = (int64_t) C * H * W, plane = (int64_t) g.OH * g.OW;
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < g.OH; i++)
                for (int j = 0; j < g.OW; j++) {
                    AvgWindow a = avg_window(g, i, j, count_include_pad);
                    double sum = 0;
                    for (int h = a.hs; h < a.he; h++)
                        for (int v = a.ws; v < a.we; v++) sum += inp[n * in + ((int64_t) c * H + h) * W + v];
                    out[n * C * plane + c * plane + (int64_t) i * g.OW + j] = (float) (sum / a.div);
                }
}

NNK_API void avgpool2d_backward(float* dinp, const float* dout, int count_include_pad, int N, GEO_PARAMS) {
    Geo g = geo(GEO_ARGS);
    int64_t in = (int64_t) C * H * W, plane = (int64_t) g.OH * g.OW;
    memset(dinp, 0, sizeof(float) * N * in);
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < g.OH; i++)
                for (int j = 0; j < g.OW; j++) {
                    AvgWindow a = avg_window(g, i, j, count_include_pad);
                    float d = dout[n * C * plane + c * plane + (int64_t) i * g.OW + j] / (float) a.div;
                    for (int h = a.hs; h < a.he; h++)
                        for (int v = a.ws; v < a.we; v++) dinp[n * in + ((int64_t) c * H + h) * W + v] += d;
                }
}
