// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Transpose;
import dev.gradus.optim.SgdConfig;
import org.junit.jupiter.api.Test;

/** Hand-computed values, the contract's corner cases (beta 0, in place, accumulation) and rejected inputs. */
class ReferenceBackendTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void gemmByHandWithAlphaBetaAndTransposes() {
        // a = [[1,2,3],[4,5,6]], b = [[1,0],[0,1],[1,1]] → a·b = [[4,5],[10,11]]
        try (Tensor a = Tensor.of(2, 3, 1, 2, 3, 4, 5, 6); Tensor b = Tensor.of(3, 2, 1, 0, 0, 1, 1, 1);
             Tensor at = Tensor.of(3, 2, 1, 4, 2, 5, 3, 6); Tensor bt = Tensor.of(2, 3, 1, 0, 1, 0, 1, 1);
             Tensor c = Tensor.of(2, 2, 1, 1, 1, 1)) {
            backend.gemm(c, a, Transpose.NO, b, Transpose.NO, 2f, 0.5f);
            assertArrayEquals(new float[]{8.5f, 10.5f, 20.5f, 22.5f}, c.toArray());
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    backend.gemm(c, ta == Transpose.NO ? a : at, ta, tb == Transpose.NO ? b : bt, tb, 1f, 0f);
                    assertArrayEquals(new float[]{4, 5, 10, 11}, c.toArray(), ta + "/" + tb);
                }
            }
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresNaN() {
        try (Tensor a = Tensor.of(1, 1, 2f); Tensor b = Tensor.of(1, 1, 3f); Tensor c = Tensor.of(1, 1, Float.NaN)) {
            backend.gemm(c, a, Transpose.NO, b, Transpose.NO, 1f, 0f);
            assertEquals(6f, c.get(0));
        }
    }

    @Test
    void gemmRejectsMismatchAndOverlap() {
        try (Tensor a = Tensor.allocate(2, 3); Tensor b = Tensor.allocate(2, 3); Tensor c = Tensor.allocate(2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(c, a, Transpose.NO, b, Transpose.NO, 1f, 0f));
            assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
            Tensor view = a.view(0, 2, 2);
            assertThrows(IllegalArgumentException.class, () -> backend.gemm(view, a, Transpose.NO, b, Transpose.YES, 1f, 0f));
        }
    }

    @Test
    void closedTensorIsRejected() {
        Tensor x = Tensor.allocate(1, 3);
        x.close();
        assertThrows(IllegalStateException.class, () -> backend.scale(x, 2f));
    }

    @Test
    void activationForwardAddsBiasInPlaceAndMayRunInPlace() {
        try (Tensor z = Tensor.of(2, 2, -1, 2, 3, -4); Tensor bias = Tensor.of(1, 2, 0.5f, 1f)) {
            backend.activationForward(Activation.RELU, z, z, bias);
            assertArrayEquals(new float[]{0, 3, 3.5f, 0}, z.toArray());
        }
        try (Tensor z = Tensor.of(1, 3, 1, 2, 3); Tensor out = Tensor.allocate(1, 3); Tensor bias = Tensor.of(1, 3, 1, 1, 1)) {
            backend.activationForward(Activation.IDENTITY, out, z, bias);
            assertArrayEquals(new float[]{2, 3, 4}, z.toArray(), "inp keeps the pre-activation");
            assertArrayEquals(new float[]{2, 3, 4}, out.toArray());
        }
    }

    @Test
    void softmaxRowsSumToOneEvenForHugeLogits() {
        try (Tensor z = Tensor.of(2, 3, 1000, 1001, 1002, -5, 0, 5)) {
            backend.activationForward(Activation.SOFTMAX, z, z, null);
            for (int r = 0; r < 2; r++) {
                double s = z.get(r, 0) + z.get(r, 1) + z.get(r, 2);
                assertEquals(1.0, s, 1e-6, "row " + r);   // three float32 roundings
            }
            assertEquals(0.66524096f, z.get(0, 2), 1e-7f);
        }
    }

    @Test
    void columnSumsAccumulateAndIdentityBackwardInPlaceLeavesDoutAlone() {
        try (Tensor dout = Tensor.of(2, 3, 1, 2, 3, 4, 5, 6); Tensor dbias = Tensor.of(1, 3, 10, 10, 10)) {
            backend.columnSums(dbias, dout);
            assertArrayEquals(new float[]{15, 17, 19}, dbias.toArray());
            backend.columnSums(dbias, dout);
            assertArrayEquals(new float[]{20, 24, 28}, dbias.toArray());
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, dout.toArray());
        }
    }

    @Test
    void activationBackwardOverwritesDinp() {
        try (Tensor x = Tensor.of(1, 2, -1, 1); Tensor y = Tensor.allocate(1, 2); Tensor dy = Tensor.of(1, 2, 3, 3);
             Tensor dx = Tensor.of(1, 2, 100, 100)) {
            backend.activationForward(Activation.RELU, y, x, null);
            backend.activationBackward(Activation.RELU, dx, dy, x, y, null);
            assertArrayEquals(new float[]{0, 3}, dx.toArray());
            backend.activationBackward(Activation.RELU, dy, dy, x, y, null);   // in place
            assertArrayEquals(new float[]{0, 3}, dy.toArray());
        }
    }

    @Test
    void lossesByHand() {
        try (Tensor p = Tensor.of(1, 2, 1, 3); Tensor t = Tensor.of(1, 2, 0, 1); Tensor d = Tensor.allocate(1, 2)) {
            assertEquals(2.5f, backend.lossForward(Loss.MSE, p, t));   // (1 + 4) / 2
            backend.lossBackward(Loss.MSE, d, p, t);
            assertArrayEquals(new float[]{1, 2}, d.toArray());
            assertEquals(1.5f, backend.lossForward(Loss.L1, p, t));
            assertEquals(1.0f, backend.lossForward(Loss.huber(1f), p, t));   // (0.5 + 1.5) / 2
            backend.lossBackward(Loss.L1, d, t, t);
            assertArrayEquals(new float[]{0, 0}, d.toArray(), "sign(0) = 0");
        }
        try (Tensor p = Tensor.of(1, 2, 0f, 1f); Tensor t = Tensor.of(1, 2, 1f, 0f)) {
            assertEquals(100f, backend.lossForward(Loss.BCE, p, t), "log clamped at -100");
        }
        try (Tensor z = Tensor.of(2, 2, 0, 0, 0, 0); Labels l = Labels.of(0, 1); Tensor dz = Tensor.allocate(2, 2)) {
            assertEquals((float) Math.log(2), backend.crossEntropyForward(z, l));
            backend.crossEntropyBackward(dz, z, l);
            assertArrayEquals(new float[]{-0.25f, 0.25f, 0.25f, -0.25f}, dz.toArray());
        }
        try (Tensor z = Tensor.allocate(2, 2); Labels l = Labels.of(0, 2)) {
            assertThrows(IllegalArgumentException.class, () -> backend.crossEntropyForward(z, l));
        }
    }

    @Test
    void dropoutIsDeterministicInvertedAndNearTheRate() {
        int n = 100_000;
        try (Tensor x = Tensor.allocate(1, n).fill(2f); Tensor y = Tensor.allocate(1, n); Tensor m = Tensor.allocate(1, n);
             Tensor y2 = Tensor.allocate(1, n); Tensor m2 = Tensor.allocate(1, n)) {
            backend.dropoutForward(y, m, x, 0.25f, 42L);
            backend.dropoutForward(y2, m2, x, 0.25f, 42L);
            assertArrayEquals(y.toArray(), y2.toArray());
            int kept = 0;
            for (int i = 0; i < n; i++) {
                float mi = m.get(i);
                assertTrue(mi == 0f || mi == 1f / 0.75f, "mask " + mi);
                if (mi != 0f) {
                    kept++;
                    assertEquals(2f * mi, y.get(i));
                }
            }
            // binomial: sd = sqrt(n·p·(1−p)) ≈ 137; 6 sd
            assertEquals(0.75 * n, kept, 6 * Math.sqrt(n * 0.25 * 0.75));
            backend.dropoutForward(y2, m2, x, 0.25f, 43L);
            assertTrue(!java.util.Arrays.equals(m.toArray(), m2.toArray()), "another seed, another mask");
            backend.dropoutBackward(y2, x, m);
            assertArrayEquals(y.toArray(), y2.toArray());
            backend.dropoutForward(x, m, x, 0f, 1L);   // in place, p = 0 keeps everything
            assertEquals(2f, x.get(n - 1));
        }
    }

    @Test
    void clippingKernels() {
        try (Tensor x = Tensor.of(1, 4, 3, -4, Float.NaN, 0.5f)) {
            backend.clamp(x, -1f, 1f);
            assertArrayEquals(new float[]{1, -1, Float.NaN, 0.5f}, x.toArray());
        }
        try (Tensor x = Tensor.of(1, 2, 3, -4)) {
            assertEquals(25.0, backend.sumOfSquares(x));
            backend.scale(x, 0.5f);
            assertArrayEquals(new float[]{1.5f, -2f}, x.toArray());
            assertThrows(IllegalArgumentException.class, () -> backend.clamp(x, 1f, -1f));
        }
    }

    @Test
    void sgdMomentumBufferIsTheGradientAtStepOne() {
        SgdConfig c = SgdConfig.of(0.1f).withMomentum(0.9f).withDampening(0.5f);
        try (Tensor p = Tensor.of(1, 1, 1f); Tensor g = Tensor.of(1, 1, 2f); Tensor buf = Tensor.of(1, 1, 7f)) {
            backend.sgdUpdate(p, g, buf, c, 0.1f, 1);
            assertEquals(2f, buf.get(0), "no dampening at the first step, as torch");
            assertEquals(0.8f, p.get(0), 1e-7f);
            backend.sgdUpdate(p, g, buf, c, 0.1f, 2);
            assertEquals(2f * 0.9f + 0.5f * 2f, buf.get(0), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(p, g, null, c, 0.1f, 3));
            assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(p, g, buf, c, 0.1f, 0));
        }
    }
}
