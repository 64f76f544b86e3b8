// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import dev.gradus.Tensor;
import dev.gradus.backend.Transpose;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GEMM over every small shape and transpose combination (EJML's sweep), against the definition
 * written out with {@link Tensor#get(int, int)}, on operands that are views at an offset inside a
 * larger buffer (as parameters are).
 */
class GemmSweepTest {
    private static final int[] SIZES = {1, 2, 3, 7, 9};
    // Both sides sum the same products in double in the same order and round once: equal but for
    // the final rounding of alpha·dot + beta·c, where one float32 ulp (6e-8 relative) may differ.
    private static final double RTOL = 1.2e-7;
    private static final double ATOL = 1e-30;   // exact zeros only

    private final ReferenceBackend backend = new ReferenceBackend();

    static Stream<Arguments> transposes() {
        return Stream.of(Arguments.of(Transpose.NO, Transpose.NO), Arguments.of(Transpose.NO, Transpose.YES),
                Arguments.of(Transpose.YES, Transpose.NO), Arguments.of(Transpose.YES, Transpose.YES));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transposes")
    void everyShape(Transpose ta, Transpose tb) {
        SplittableRandom r = new SplittableRandom(17);
        try (Tensor pool = Tensor.allocate(1, 3 * 9 * 9 + 7)) {
            for (int m : SIZES) {
                for (int k : SIZES) {
                    for (int n : SIZES) {
                        int aRows = ta == Transpose.NO ? m : k;
                        int bRows = tb == Transpose.NO ? k : n;
                        Tensor a = pool.view(1, aRows, m * k / aRows);
                        Tensor b = pool.view(2 + m * k, bRows, k * n / bRows);
                        Tensor c = pool.view(3 + m * k + k * n, m, n);
                        for (int i = 0; i < pool.size(); i++) {
                            pool.set(i, (float) r.nextDouble(-1, 1));
                        }
                        float alpha = (float) r.nextDouble(-2, 2);
                        float beta = r.nextBoolean() ? 0f : (float) r.nextDouble(-2, 2);
                        double[] want = new double[m * n];
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double dot = 0;
                                for (int p = 0; p < k; p++) {
                                    float av = ta == Transpose.NO ? a.get(i, p) : a.get(p, i);
                                    float bv = tb == Transpose.NO ? b.get(p, j) : b.get(j, p);
                                    dot += (double) av * bv;
                                }
                                want[i * n + j] = alpha * dot + (beta == 0 ? 0 : beta * (double) c.get(i, j));
                            }
                        }
                        float before = pool.get(0);
                        backend.gemm(c, a, ta, b, tb, alpha, beta);
                        Within.close("gemm m=" + m + " k=" + k + " n=" + n, c.toArray(), want, ATOL, RTOL);
                        if (pool.get(0) != before) {
                            throw new AssertionError("gemm wrote outside c");
                        }
                    }
                }
            }
        }
    }
}
