// SPDX-License-Identifier: Apache-2.0
// Branch-free float32 transcendentals for the kernels. Scalar libm calls (expf, tanhf, erff, logf)
// do not vectorize, and they would keep the elementwise kernels far from memory bandwidth; these are
// plain arithmetic and selects, so GCC vectorizes every loop that calls them, in every ISA clone.
// Accuracy against the correctly rounded result, measured over dense grids of float inputs
// (the equivalence tests set their tolerances from these):
//   nnk_expf  <= 1 ulp          nnk_expm1f <= 2 ulp        nnk_tanhf <= 1.5 ulp
//   nnk_logf  <= 1 ulp          nnk_log1pf <= 1.5 ulp      nnk_erff  <= 3 ulp
// (measured: 1.00, 1.69, 1.33, 0.98, 1.44 and 2.76 ulp)
// nnk_log1pf_unit (y in [0, 1], used by softplus and bce_with_logits) is nnk_log1pf without the
// special cases. Special values: NaN in, NaN out; expf overflows to +inf and underflows through the subnormals to 0;
// logf(0) = -inf, logf(x < 0) = NaN, logf(+inf) = +inf.
// Polynomials: expf, tanhf and logf are Cephes' single-precision minimax fits (S. Moshier); erf's were
// fitted for Gradus (least squares on Chebyshev nodes against mpmath, checked in float32).
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

#define NNK_INLINE static inline __attribute__((always_inline))

NNK_INLINE uint32_t nnk_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
NNK_INLINE float nnk_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

// e^x: x = k·ln2 + r (Cody-Waite, |r| <= ln2/2), e^r by a degree-7 minimax form, 2^k in two factors so
// that results down to the smallest subnormal round once.
NNK_INLINE float nnk_expf(float x) {
    const float hi = 88.72283935546875f, lo = -103.972084045410f;
    float xc = x > hi ? hi : x;
    xc = xc < lo ? lo : xc;
    float kf = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;   // round to nearest, SSE2-friendly
    float r = xc - kf * 0.693359375f;
    r = r - kf * -2.12194440e-4f;
    float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * z + r + 1.0f;
    int32_t k = (int32_t) kf;
    int32_t k1 = k >> 1, k2 = k - k1;   // each in [-75, 64]: both factors are normal floats
    float y = p * nnk_float((uint32_t) (k1 + 127) << 23) * nnk_float((uint32_t) (k2 + 127) << 23);
    y = x > hi ? INFINITY : y;
    return x != x ? x : y;
}

// e^x - 1 without cancellation near 0: a Taylor form for |x| < 0.5 (error below 2^-27 there), e^x - 1 beyond.
NNK_INLINE float nnk_expm1f(float x) {
    float p = 2.7557319e-6f;   // 1/9!
    p = p * x + 2.4801587e-5f;
    p = p * x + 1.9841270e-4f;
    p = p * x + 1.3888889e-3f;
    p = p * x + 8.3333333e-3f;
    p = p * x + 4.1666667e-2f;
    p = p * x + 1.6666667e-1f;
    p = p * x + 0.5f;
    float small = p * (x * x) + x;
    float large = nnk_expf(x) - 1.0f;
    return (x > -0.5f && x < 0.5f) ? small : large;
}

// tanh: Cephes' odd minimax polynomial below 0.625, 1 - 2/(e^2|x| + 1) above.
NNK_INLINE float nnk_tanhf(float x) {
    float a = x < 0.0f ? -x : x;
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = p * z * x + x;
    float t = 1.0f - 2.0f / (nnk_expf(a + a) + 1.0f);
    float large = x < 0.0f ? -t : t;
    return a < 0.625f ? small : large;
}

// log of a positive, finite, normal x: x = m·2^e with m in [sqrt(1/2), sqrt(2)),
// log(m) = f - f²/2 + f³·P(f), f = m - 1 (exact).
NNK_INLINE float nnk_logf_normal(float x) {
    uint32_t bits = nnk_bits(x);
    int32_t e = (int32_t) ((bits >> 23) & 0xff) - 126;
    float m = nnk_float((bits & 0x007fffffu) | 0x3f000000u);   // [0.5, 1)
    int lt = m < 0.707106781186547524f;
    e = lt ? e - 1 : e;
    float f = lt ? (m + m) - 1.0f : m - 1.0f;
    float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    float fe = (float) e;
    y = y + fe * -2.12194440e-4f;
    y = y + -0.5f * z;
    float r = f + y;
    return r + fe * 0.693359375f;
}

// log for every float: subnormals are scaled into the normal range, then the special values.
NNK_INLINE float nnk_logf(float x) {
    int sub = x < 1.17549435e-38f;
    float r = nnk_logf_normal(sub ? x * 8388608.0f : x) - (sub ? 15.942385152878742f : 0.0f);   // 23·ln 2
    r = x == 0.0f ? -INFINITY : r;
    r = x == INFINITY ? INFINITY : r;
    return (x < 0.0f || x != x) ? NAN : r;
}

// log(1 + y) for y in [0, 1]: log(u) corrected by the rounding of u = 1 + y (Goldberg's trick).
NNK_INLINE float nnk_log1pf_unit(float y) {
    float u = 1.0f + y;
    float r = nnk_logf_normal(u) - ((u - 1.0f) - y) / u;
    return u == 1.0f ? y : r;
}

// log(1 + y) for every y >= -1.
NNK_INLINE float nnk_log1pf(float y) {
    float u = 1.0f + y;
    float d = u - 1.0f;
    float r = nnk_logf(u) - (d - y) / u;
    r = u == 1.0f ? y : r;
    r = u == 0.0f ? -INFINITY : r;
    return y > 1e30f ? nnk_logf(y) : r;   // d - y would be inf - inf
}

// erf: x·P(x²) below 1; 1 - e^-x²·Q(1/x) up to 3.92, 1 beyond (erf rounds to 1 in float32 there).
NNK_INLINE float nnk_erff(float x) {
    float a = x < 0.0f ? -x : x;
    float z = a * a;
    float p = 7.898068542190687e-05f;
    p = p * z - 0.00080243166337701f;
    p = p * z + 0.0051900499645367755f;
    p = p * z - 0.02685480701633604f;
    p = p * z + 0.11283612402790713f;
    p = p * z - 0.37612628842481716f;
    p = p * z + 1.1283791665105316f;
    float small = a * p;
    float t = 1.0f / a;
    float q = -0.038213918211611915f;
    q = q * t + 0.264641441959716f;
    q = q * t - 0.8105507103532205f;
    q = q * t + 1.4239270456769004f;
    q = q * t - 1.523981683777716f;
    q = q * t + 0.899441312863319f;
    q = q * t - 0.06924994334959922f;
    q = q * t - 0.28519142601432607f;
    q = q * t + 0.0030163518620209724f;
    q = q * t + 0.5637191391535898f;
    q = q * t + 2.5965192560167738e-05f;
    float large = 1.0f - nnk_expf(-z) * q;
    large = a > 3.92f ? 1.0f : large;
    float r = a < 1.0f ? small : large;
    r = x < 0.0f ? -r : r;
    return x != x ? x : r;
}

// ---- reductions with a fixed order: element i goes to lane i % NNK_LANES, lanes are added pairwise
// at the end. The order is the same on every ISA clone, and the loops vectorize (a plain running sum
// cannot be reordered without -ffast-math); 16 double lanes are two independent AVX-512 accumulators,
// which hides the add latency.
#define NNK_LANES 16

NNK_INLINE float nnk_row_max(const float* x, int64_t n) {
    float lane[NNK_LANES];
    for (int k = 0; k < NNK_LANES; k++) lane[k] = x[0];
    int64_t i = 0;
    for (; i + NNK_LANES <= n; i += NNK_LANES) {
        for (int k = 0; k < NNK_LANES; k++) lane[k] = x[i + k] > lane[k] ? x[i + k] : lane[k];
    }
    for (int k = 0; k < NNK_LANES && i + k < n; k++) lane[k] = x[i + k] > lane[k] ? x[i + k] : lane[k];
    float m = lane[0];
    for (int k = 1; k < NNK_LANES; k++) m = lane[k] > m ? lane[k] : m;
    return m;
}

NNK_INLINE double nnk_lanes_total(const double* lane) {
    double t[NNK_LANES / 2];
    for (int k = 0; k < NNK_LANES / 2; k++) t[k] = lane[k] + lane[k + NNK_LANES / 2];
    return ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
}

// sum of x[i] in double.
NNK_INLINE double nnk_row_sum(const float* x, int64_t n) {
    double lane[NNK_LANES] = {0};
    int64_t i = 0;
    for (; i + NNK_LANES <= n; i += NNK_LANES) {
        for (int k = 0; k < NNK_LANES; k++) lane[k] += (double) x[i + k];
    }
    for (int k = 0; k < NNK_LANES && i + k < n; k++) lane[k] += (double) x[i + k];
    return nnk_lanes_total(lane);
}

// sum of x[i]*y[i] in double.
NNK_INLINE double nnk_row_dot(const float* x, const float* y, int64_t n) {
    double lane[NNK_LANES] = {0};
    int64_t i = 0;
    for (; i + NNK_LANES <= n; i += NNK_LANES) {
        for (int k = 0; k < NNK_LANES; k++) lane[k] += (double) x[i + k] * (double) y[i + k];
    }
    for (int k = 0; k < NNK_LANES && i + k < n; k++) lane[k] += (double) x[i + k] * (double) y[i + k];
    return nnk_lanes_total(lane);
}

// sum of e^(x[i] - m) in double.
NNK_INLINE double nnk_row_sum_exp(const float* x, float m, int64_t n) {
    double lane[NNK_LANES] = {0};
    int64_t i = 0;
    for (; i + NNK_LANES <= n; i += NNK_LANES) {
        for (int k = 0; k < NNK_LANES; k++) lane[k] += (double) nnk_expf(x[i + k] - m);
    }
    for (int k = 0; k < NNK_LANES && i + k < n; k++) lane[k] += (double) nnk_expf(x[i + k] - m);
    return nnk_lanes_total(lane);
}
