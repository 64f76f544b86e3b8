// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

/**
 * The error function and its complement in double precision (Java's {@code Math} has neither), for
 * the exact GELU. Two classic expansions, each used where it converges fast and without cancellation:
 * <ul>
 * <li>{@code |x| < 2}: erf(x) = (2/√π)·e^(−x²)·Σₙ 2ⁿ x^(2n+1) / (1·3·5···(2n+1)), a series of positive
 *     terms (Abramowitz and Stegun 7.1.6);</li>
 * <li>{@code |x| ≥ 2}: erfc(x) = (e^(−x²)/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), the
 *     Laplace continued fraction (A&amp;S 7.1.14), evaluated bottom-up at a fixed depth.</li>
 * </ul>
 * erf is accurate to a few units in the last place of a double everywhere, erfc above 2 as well;
 * below 2, erfc is 1 − erf (about 1e-13 relative at worst, far below float32's 6e-8). {@code ErfTest}
 * checks both against tabulated values.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;   // 2/√π
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;   // 1/√π
    private static final double SERIES_LIMIT = 2.0;
    private static final int FRACTION_DEPTH = 120;   // enough for 1e-17 at x = 2, where it converges slowest

    private Erf() {}

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a < SERIES_LIMIT) {
            return series(x);
        }
        double r = 1.0 - fraction(a);
        return x < 0 ? -r : r;
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= SERIES_LIMIT) {
            return fraction(x);
        }
        if (x <= -SERIES_LIMIT) {
            return 2.0 - fraction(-x);
        }
        return 1.0 - series(x);
    }

    /** erf(x) for |x| < 2 from the positive-term series. */
    private static double series(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 100; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x ≥ 2 from the continued fraction. */
    private static double fraction(double x) {
        if (x > 27) {
            return 0.0;   // erfc(27) < 1e-318: below the smallest double
        }
        double f = x;
        for (int k = FRACTION_DEPTH; k >= 1; k--) {
            f = x + (k * 0.5) / f;
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }
}
