// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import dev.gradus.backend.internal.InUse;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/**
 * NativeBackend's GEMM (OpenBLAS cblas_sgemm) ≡ the reference's double-accumulated triple loop, for
 * every transpose combination and several alpha/beta, over small odd shapes, the benchmark networks'
 * layer shapes and a few squares. The bound is the classic float32 dot-product error bound.
 */
@Tag("blas")
class NativeGemmEquivalenceTest {
    static final Backend NATIVE = new NativeBackend();
    static final Backend REFERENCE = new ReferenceBackend();

    static Stream<Arguments> cases() {
        List<int[]> mnk = new ArrayList<>();
        for (int s : NativeActivationEquivalenceTest.SIZES) {
            mnk.add(new int[] {s, s, s});
        }
        mnk.add(new int[] {1, 65, 7});        // one row: OpenBLAS's sgemv
        mnk.add(new int[] {1, 1024, 784});    // network B at batch 1: its first layer
        mnk.add(new int[] {1, 10, 1024});     // and its output layer
        mnk.add(new int[] {33, 1, 17});
        mnk.add(new int[] {7, 9, 63});
        mnk.add(new int[] {65, 31, 1});
        mnk.add(new int[] {32, 128, 784});    // network A: forward of the first layer (N, OC, C)
        mnk.add(new int[] {128, 784, 32});    // network A: dW = doutᵀ·inp (OC, C, N)
        mnk.add(new int[] {256, 10, 1024});   // network B: the output layer
        mnk.add(new int[] {200, 200, 200});
        float[][] alphaBeta = {{1, 0}, {1, 1}, {0.5f, -2}, {-1.5f, 0.25f}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : mnk) {
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    for (float[] ab : alphaBeta) {
                        out.add(Arguments.of(s[0], s[1], s[2], ta, tb, ab[0], ab[1]));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "M={0} N={1} K={2} {3} {4} alpha={5} beta={6}")
    @MethodSource("cases")
    void gemmAgrees(int m, int n, int k, Transpose ta, Transpose tb, float alpha, float beta) {
        SplittableRandom rnd = new SplittableRandom(m * 1_000_003L + n * 1009L + k);
        String at = "gemm M=" + m + " N=" + n + " K=" + k + " " + ta + "/" + tb + " alpha=" + alpha + " beta=" + beta;
        try (Tensor a = ta == Transpose.NO ? Agreement.uniform(rnd, m, k, -1, 1) : Agreement.uniform(rnd, k, m, -1, 1);
             Tensor b = tb == Transpose.NO ? Agreement.uniform(rnd, k, n, -1, 1) : Agreement.uniform(rnd, n, k, -1, 1);
             Tensor c0 = Agreement.uniform(rnd, m, n, -1, 1);
             Tensor cn = Agreement.copy(c0); Tensor cr = Agreement.copy(c0);
             Tensor absA = abs(a); Tensor absB = abs(b); Tensor mag = Tensor.allocate(m, n)) {
            if (beta == 0) {
                cn.fill(Float.NaN);   // beta = 0 ignores c's contents, as BLAS
                cr.fill(Float.NaN);
            }
            NATIVE.gemm(cn, a, ta, b, tb, alpha, beta);
            REFERENCE.gemm(cr, a, ta, b, tb, alpha, beta);
            // float32 accumulation over K terms (any order, FMA or not): |error| <= (K + 2)·2^-24·
            // (|alpha|·Σ|a||b| + |beta·c|), against a reference accumulated in double
            REFERENCE.gemm(mag, absA, ta, absB, tb, Math.abs(alpha), 0f);
            float[] magnitude = mag.toArray();
            float[] c = c0.toArray();
            double[] bound = new double[m * n];
            for (int i = 0; i < bound.length; i++) {
                double scale = magnitude[i] + (beta == 0 ? 0 : Math.abs(beta * c[i]));
                bound[i] = (k + 2) * 0x1.0p-24 * scale * 1.01 + Float.MIN_NORMAL;
            }
            Agreement.within(at, cn.toArray(), cr.toArray(), bound, n);
        }
    }

    static Tensor abs(Tensor t) {
        Tensor out = Agreement.copy(t);
        FloatBuffer b = InUse.buffer(out);
        for (int i = 0, n = out.size(); i < n; i++) {
            b.put(i, Math.abs(b.get(i)));
        }
        return out;
    }

    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @MethodSource("emptyCases")
    void emptyDimensionsFollowBlas(int m, int n, int k) {
        try (Tensor a = Tensor.allocate(m, k); Tensor b = Tensor.allocate(k, n);
             Tensor cn = Tensor.allocate(m, n).fill(3f); Tensor cr = Tensor.allocate(m, n).fill(3f)) {
            NATIVE.gemm(cn, a, Transpose.NO, b, Transpose.NO, 1f, 0.5f);   // K = 0: c = beta·c
            REFERENCE.gemm(cr, a, Transpose.NO, b, Transpose.NO, 1f, 0.5f);
            Agreement.identical("gemm M=" + m + " N=" + n + " K=" + k, cn, cr);
        }
    }

    static Stream<Arguments> emptyCases() {
        return Stream.of(Arguments.of(3, 4, 0), Arguments.of(1, 4, 0), Arguments.of(0, 4, 5), Arguments.of(3, 0, 5), Arguments.of(0, 0, 0));
    }
}
