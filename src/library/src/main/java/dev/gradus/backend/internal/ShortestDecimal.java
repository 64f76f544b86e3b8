// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.internal;

/**
 * The Python float (a double) that a float32 hyperparameter stands for. PyTorch keeps hyperparameters
 * as Python floats and computes its scalars ({@code 1 − beta2}, bias corrections, step sizes) in
 * double; our configs hold float32. Widening {@code 0.999f} to double gives 0.99899995…, and then
 * {@code 1 − beta2} is off by 5e-5 relative: far more than float32 rounding. So a hyperparameter is
 * read as the shortest decimal that rounds to the same float (what was written: {@code 0.999}), as a
 * double. Allocation-free (no {@code Float.toString}): tries 1 to 9 significant digits. Magnitudes
 * from about 1e-13 to 1e22 (every hyperparameter) get the nearest double to that decimal; values
 * outside are returned as the float itself.
 */
final class ShortestDecimal {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;   // exact: 10^i is a double for i <= 22
            p *= 10;
        }
    }

    private ShortestDecimal() {}

    /** The double nearest to the shortest decimal that rounds (to nearest) to {@code v}. */
    static double of(float v) {
        if (v == 0 || !Float.isFinite(v)) {
            return v;
        }
        double a = Math.abs((double) v);
        int e = (int) Math.floor(Math.log10(a));
        for (int digits = 1; digits <= 9; digits++) {
            int k = digits - 1 - e;   // decimal = m · 10^-k with m an integer of `digits` digits
            if (Math.abs(k) >= POW10.length) {
                return v;   // outside what a hyperparameter needs; the float itself is exact enough
            }
            double candidate = k >= 0 ? Math.rint(a * POW10[k]) / POW10[k] : Math.rint(a / POW10[-k]) * POW10[-k];
            if ((float) candidate == (float) a) {
                return v < 0 ? -candidate : candidate;
            }
        }
        return v;
    }
}
