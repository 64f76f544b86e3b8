// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

/**
 * The elementwise activation functions and their derivatives in double, each written as PyTorch
 * 1.13's CPU kernel writes it (the same branches and thresholds), so the float32 results of
 * {@link ReferenceBackend} are PyTorch's up to the final rounding. Softmax works on whole rows and
 * lives in {@link ReferenceBackend}.
 */
final class Pointwise {
    private static final double SQRT1_2 = 0.7071067811865476;        // 1/√2
    private static final double INV_SQRT_2PI = 0.3989422804014327;   // 1/√(2π)
    private static final double SOFTPLUS_THRESHOLD = 20;             // torch.nn.Softplus default, beta 1

    private Pointwise() {}

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    static double leakyRelu(double x, double slope) {
        return x > 0 ? x : x * slope;
    }

    /** ELU: x for x > 0, alpha·(eˣ − 1) otherwise. */
    static double elu(double x, double alpha) {
        return x > 0 ? x : alpha * Math.expm1(x);
    }

    /** Exact GELU: x·Φ(x), Φ(x) = ½·(1 + erf(x/√2)), taken as ½·erfc(−x/√2) for x &lt; 0 (no cancellation). */
    static double gelu(double x) {
        return x * cdf(x);
    }

    /** d gelu / dx = Φ(x) + x·φ(x) (torch's GeluBackward). */
    static double geluDerivative(double x) {
        return cdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    static double cdf(double x) {
        return x < 0 ? 0.5 * Erf.erfc(-x * SQRT1_2) : 0.5 * (1.0 + Erf.erf(x * SQRT1_2));
    }

    /** Softplus (beta 1, threshold 20): x above the threshold, log(1 + eˣ) otherwise. */
    static double softplus(double x) {
        return x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x));
    }

    /** torch's softplus_backward: 1 above the threshold, z/(z + 1) with z = eˣ otherwise. */
    static double softplusDerivative(double x) {
        if (x > SOFTPLUS_THRESHOLD) {
            return 1.0;
        }
        double z = Math.exp(x);
        return z / (z + 1.0);
    }
}
