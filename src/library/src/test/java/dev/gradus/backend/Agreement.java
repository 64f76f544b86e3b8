// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import java.util.SplittableRandom;

/**
 * Native-versus-reference comparisons (llm.c's check_tensor): a failure names the worst element
 * (the one furthest past its bound), its row and column, both values, and the bound.
 */
final class Agreement {
    /** One float32 unit in the last place at 1.0: 2^-23. */
    static final double ULP1 = 0x1.0p-23;

    private Agreement() {}

    /** Pass when {@code |got − want| <= atol + rtol·|want|} for every element (NaN matches NaN). */
    static void close(String what, Tensor got, Tensor want, double atol, double rtol) {
        float[] g = got.toArray();
        float[] w = want.toArray();
        double[] bound = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            bound[i] = atol + rtol * Math.abs(w[i]);
        }
        within(what, g, w, bound, want.cols());
    }

    /** Pass when {@code |got[i] − want[i]| <= bound[i]}; cols is for the printed (row, col). */
    static void within(String what, float[] got, float[] want, double[] bound, int cols) {
        if (got.length != want.length) {
            fail(what + ": " + got.length + " values, expected " + want.length);
        }
        int worst = -1;
        double worstExcess = 0;
        int bad = 0;
        for (int i = 0; i < got.length; i++) {
            double diff = Math.abs((double) got[i] - want[i]);
            boolean bothNaN = Float.isNaN(got[i]) && Float.isNaN(want[i]);
            boolean same = got[i] == want[i];   // also equal infinities
            if (!bothNaN && !same && !(diff <= bound[i])) {
                bad++;
                double excess = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff - bound[i];
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            int c = Math.max(cols, 1);
            fail(what + ": " + bad + " of " + got.length + " elements out of bounds; worst is element " + worst
                    + " [" + worst / c + ", " + worst % c + "]: native " + got[worst] + ", reference " + want[worst]
                    + ", |diff| " + Math.abs((double) got[worst] - want[worst]) + " > bound " + bound[worst]);
        }
    }

    /** Bit-for-bit equality, reported like {@link #within}. */
    static void identical(String what, Tensor got, Tensor want) {
        within(what, got.toArray(), want.toArray(), new double[got.size()], want.cols());
    }

    /** A scalar (loss, sum of squares): pass when {@code |got − want| <= atol + rtol·|want|}. */
    static void closeScalar(String what, double got, double want, double atol, double rtol) {
        double bound = atol + rtol * Math.abs(want);
        double diff = Math.abs(got - want);
        if (!(diff <= bound) && got != want && !(Double.isNaN(got) && Double.isNaN(want))) {
            fail(what + ": native " + got + ", reference " + want + ", |diff| " + diff + " > bound " + bound);
        }
    }

    /** A new tensor with uniform values in [lo, hi). */
    static Tensor uniform(SplittableRandom rnd, int rows, int cols, double lo, double hi) {
        Tensor t = Tensor.allocate(rows, cols);
        java.nio.FloatBuffer b = InUse.buffer(t);
        for (int i = 0, n = t.size(); i < n; i++) {
            b.put(i, (float) (lo + (hi - lo) * rnd.nextDouble()));
        }
        return t;
    }

    /** A copy with its own memory. */
    static Tensor copy(Tensor t) {
        return Tensor.allocate(t.rows(), t.cols()).copyFrom(t);
    }

    static double maxAbs(Tensor t) {
        double m = 0;
        java.nio.FloatBuffer b = InUse.buffer(t);
        for (int i = 0, n = t.size(); i < n; i++) {
            m = Math.max(m, Math.abs(b.get(i)));
        }
        return m;
    }
}
