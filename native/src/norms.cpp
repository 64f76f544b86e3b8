// SPDX-License-Identifier: Apache-2.0
// Batch and layer normalization. Every statistic is summed in double, in index order, by one piece
// of the pool: batchnorm splits by channel, layernorm's forward and input gradient by group and its
// dgamma/dbeta by column, so no result depends on the thread count. The arithmetic is in double in
// the reference backend's order (and -ffp-contract=off), so both backends agree bit for bit.
#include <math.h>
#include "nnk_internal.h"

namespace {

constexpr int64_t kColBlock = 256;   // layernorm dgamma/dbeta columns per stack block

struct BnArgs {
    float* out; float* stats; float* rmean; float* rvar; const float* inp; const float* gamma; const float* beta;
    float* dinp; float* dgamma; float* dbeta; const float* dout;
    double eps, momentum; int training; int64_t N, C, S;
};

// Channels [b, e): statistics (batch or running), the running update, then y = x̂·γ + β.
void bn_forward_task(void* ctx, int64_t b, int64_t e, int) {
    const BnArgs& a = *(const BnArgs*) ctx;
    const int64_t M = a.N * a.S, row = a.C * a.S;
    for (int64_t c = b; c < e; c++) {
        double mean, invstd;
        if (a.training) {
            double sum = 0.0;
            for (int64_t n = 0; n < a.N; n++) {
                const float* x = a.inp + n * row + c * a.S;
                for (int64_t s = 0; s < a.S; s++) sum += x[s];
            }
            mean = sum / (double) M;
            double sq = 0.0;
            for (int64_t n = 0; n < a.N; n++) {
                const float* x = a.inp + n * row + c * a.S;
                for (int64_t s = 0; s < a.S; s++) { double d = x[s] - mean; sq += d * d; }
            }
            double var = sq / (double) M;
            invstd = 1.0 / sqrt(var + a.eps);
            a.rmean[c] = (float) (a.momentum * mean + (1.0 - a.momentum) * a.rmean[c]);
            a.rvar[c] = (float) (a.momentum * (sq / (double) (M - 1)) + (1.0 - a.momentum) * a.rvar[c]);
        } else {
            mean = a.rmean[c];
            invstd = 1.0 / sqrt((double) a.rvar[c] + a.eps);
        }
        a.stats[c] = (float) mean;
        a.stats[a.C + c] = (float) invstd;
        for (int64_t n = 0; n < a.N; n++) {
            const float* x = a.inp + n * row + c * a.S;
            float* y = a.out + n * row + c * a.S;
            for (int64_t s = 0; s < a.S; s++) y[s] = (float) ((x[s] - mean) * invstd * a.gamma[c] + a.beta[c]);
        }
    }
}

// Channels [b, e): dbeta += Σ dy, dgamma += Σ dy·x̂; dinp (when wanted) through the batch statistics
// (training) or with them as constants (eval).
void bn_backward_task(void* ctx, int64_t b, int64_t e, int) {
    const BnArgs& a = *(const BnArgs*) ctx;
    const int64_t M = a.N * a.S, row = a.C * a.S;
    for (int64_t c = b; c < e; c++) {
        double mean = a.stats[c], invstd = a.stats[a.C + c];
        double sdy = 0.0, sdyx = 0.0;
        for (int64_t n = 0; n < a.N; n++) {
            const float* x = a.inp + n * row + c * a.S;
            const float* dy = a.dout + n * row + c * a.S;
            for (int64_t s = 0; s < a.S; s++) { sdy += dy[s]; sdyx += dy[s] * ((x[s] - mean) * invstd); }
        }
        a.dbeta[c] = (float) ((double) a.dbeta[c] + sdy);
        a.dgamma[c] = (float) ((double) a.dgamma[c] + sdyx);
        if (!a.dinp) continue;
        double k = a.gamma[c] * invstd;
        double mdy = a.training ? sdy / (double) M : 0.0, mdyx = a.training ? sdyx / (double) M : 0.0;
        for (int64_t n = 0; n < a.N; n++) {
            const float* x = a.inp + n * row + c * a.S;
            const float* dy = a.dout + n * row + c * a.S;
            float* dx = a.dinp + n * row + c * a.S;
            for (int64_t s = 0; s < a.S; s++) {
                double xhat = (x[s] - mean) * invstd;
                dx[s] = (float) (k * (dy[s] - mdy - xhat * mdyx));
            }
        }
    }
}

struct LnArgs {
    float* out; float* stats; const float* inp; const float* gamma; const float* beta;
    float* dinp; float* dgamma; float* dbeta; const float* dout;
    double eps; int64_t G, D;
};

// Groups [b, e): mean, biased variance, y = x̂·γ + β.
void ln_forward_task(void* ctx, int64_t b, int64_t e, int) {
    const LnArgs& a = *(const LnArgs*) ctx;
    for (int64_t g = b; g < e; g++) {
        const float* x = a.inp + g * a.D;
        float* y = a.out + g * a.D;
        double sum = 0.0;
        for (int64_t j = 0; j < a.D; j++) sum += x[j];
        double mean = sum / (double) a.D, sq = 0.0;
        for (int64_t j = 0; j < a.D; j++) { double d = x[j] - mean; sq += d * d; }
        double rstd = 1.0 / sqrt(sq / (double) a.D + a.eps);
        a.stats[g] = (float) mean;
        a.stats[a.G + g] = (float) rstd;
        for (int64_t j = 0; j < a.D; j++) y[j] = (float) ((x[j] - mean) * rstd * a.gamma[j] + a.beta[j]);
    }
}

// Groups [b, e): dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ.
void ln_backward_input_task(void* ctx, int64_t b, int64_t e, int) {
    const LnArgs& a = *(const LnArgs*) ctx;
    for (int64_t g = b; g < e; g++) {
        const float* x = a.inp + g * a.D;
        const float* dy = a.dout + g * a.D;
        float* dx = a.dinp + g * a.D;
        double mean = a.stats[g], rstd = a.stats[a.G + g], sg = 0.0, sgx = 0.0;
        for (int64_t j = 0; j < a.D; j++) {
            double gj = (double) dy[j] * a.gamma[j];
            sg += gj;
            sgx += gj * ((x[j] - mean) * rstd);
        }
        double mg = sg / (double) a.D, mgx = sgx / (double) a.D;
        for (int64_t j = 0; j < a.D; j++) {
            double xhat = (x[j] - mean) * rstd;
            dx[j] = (float) (rstd * ((double) dy[j] * a.gamma[j] - mg - xhat * mgx));
        }
    }
}

// Columns [b, e): dgamma += Σ_groups dy·x̂, dbeta += Σ_groups dy, each column over all groups in order.
void ln_backward_params_task(void* ctx, int64_t b, int64_t e, int) {
    const LnArgs& a = *(const LnArgs*) ctx;
    double ag[kColBlock], ab[kColBlock];
    for (int64_t c0 = b; c0 < e; c0 += kColBlock) {
        int64_t w = e - c0 < kColBlock ? e - c0 : kColBlock;
        for (int64_t j = 0; j < w; j++) { ag[j] = 0.0; ab[j] = 0.0; }
        for (int64_t g = 0; g < a.G; g++) {
            const float* x = a.inp + g * a.D + c0;
            const float* dy = a.dout + g * a.D + c0;
            double mean = a.stats[g], rstd = a.stats[a.G + g];
            for (int64_t j = 0; j < w; j++) { ag[j] += dy[j] * ((x[j] - mean) * rstd); ab[j] += dy[j]; }
        }
        for (int64_t j = 0; j < w; j++) {
            a.dgamma[c0 + j] = (float) ((double) a.dgamma[c0 + j] + ag[j]);
            a.dbeta[c0 + j] = (float) ((double) a.dbeta[c0 + j] + ab[j]);
        }
    }
}

}  // namespace

NNK_API void batchnorm_forward(float* out, float* stats, float* running_mean, float* running_var, const float* inp,
                               const float* gamma, const float* beta, double eps, double momentum, int training,
                               int N, int C, int S) {
    BnArgs a{out, stats, running_mean, running_var, inp, gamma, beta, nullptr, nullptr, nullptr, nullptr,
             eps, momentum, training, N, C, S};
    nnk_parallel(bn_forward_task, &a, C, (int64_t) N * C * S, 1);
}

NNK_API void batchnorm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout, const float* inp,
                                const float* stats, const float* gamma, int training, int N, int C, int S) {
    BnArgs a{nullptr, const_cast<float*>(stats), nullptr, nullptr, inp, gamma, nullptr, dinp, dgamma, dbeta, dout,
             0.0, 0.0, training, N, C, S};
    nnk_parallel(bn_backward_task, &a, C, (int64_t) N * C * S, 1);
}

NNK_API void layernorm_forward(float* out, float* stats, const float* inp, const float* gamma, const float* beta,
                               double eps, int64_t G, int D) {
    LnArgs a{out, stats, inp, gamma, beta, nullptr, nullptr, nullptr, nullptr, eps, G, D};
    nnk_parallel(ln_forward_task, &a, G, G * D, 1);
}

NNK_API void layernorm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout, const float* inp,
                                const float* stats, const float* gamma, int64_t G, int D) {
    LnArgs a{nullptr, const_cast<float*>(stats), inp, gamma, nullptr, dinp, dgamma, dbeta, dout, 0.0, G, D};
    if (dinp) nnk_parallel(ln_backward_input_task, &a, G, G * D, 1);
    nnk_parallel(ln_backward_params_task, &a, D, G * D, 1);
}
