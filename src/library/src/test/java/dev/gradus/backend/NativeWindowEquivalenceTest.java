// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NativeBackend's convolution (direct for stride 1, else im2col + GEMM; transposed with many outputs)
 * and pooling ≡ the reference's loops of the definitions, on awkward geometry: 1×1 kernels, strides
 * larger than the kernel, padding of half the kernel, dilation 2, non-square kernels and inputs, 1, 3
 * and 17 channels, batch 1.
 */
@Tag("blas")
class NativeWindowEquivalenceTest {
    static final Backend NATIVE = new NativeBackend();
    static final Backend REFERENCE = new ReferenceBackend();

    /** {N, OC, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw}. */
    static Stream<Arguments> convolutions() {
        return Stream.of(
                new int[] {2, 4, 3, 7, 6, 1, 1, 1, 1, 0, 0, 1, 1},     // 1×1
                new int[] {1, 2, 1, 9, 9, 2, 2, 3, 3, 0, 0, 1, 1},     // stride > kernel, batch 1, one channel
                new int[] {3, 5, 3, 8, 7, 3, 3, 1, 1, 1, 1, 1, 1},     // padding = kernel / 2
                new int[] {2, 3, 2, 6, 6, 2, 2, 1, 1, 1, 1, 1, 1},     // padding = even kernel / 2
                new int[] {2, 4, 3, 11, 10, 3, 3, 1, 2, 2, 1, 2, 2},   // dilation 2, mixed stride
                new int[] {2, 3, 17, 5, 9, 2, 3, 1, 2, 0, 1, 1, 1},    // non-square kernel and input, 17 channels
                new int[] {1, 17, 17, 4, 4, 4, 4, 1, 1, 0, 0, 1, 1},   // kernel = input: one position
                new int[] {2, 6, 1, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1},   // LeNet-5's first layer
                new int[] {2, 8, 6, 14, 14, 5, 5, 1, 1, 0, 0, 1, 1},   // and its second
                new int[] {2, 5, 3, 9, 5, 4, 2, 3, 2, 2, 1, 1, 3},     // padding >= kernel/2, dilation 3 on W
                new int[] {37, 8, 3, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1},  // two groups of samples (19 + 18), two slots
                new int[] {37, 8, 3, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1},  // the same through im2col + GEMM (stride 2)
                new int[] {6, 4, 1, 200, 200, 3, 3, 1, 1, 1, 1, 1, 1}, // a group per sample, 4 slots (direct)
                new int[] {5, 4, 4, 120, 120, 3, 2, 2, 1, 1, 1, 1, 1}, // a group per sample, 4 slots (GEMM)
                new int[] {2, 4, 3, 11, 10, 3, 3, 1, 1, 2, 4, 2, 2},   // dilation 2, direct, padded more on W than on H
                new int[] {2, 3, 2, 5, 6, 1, 1, 1, 1, 1, 1, 1, 1},     // 1×1, padded
                new int[] {3, 17, 17, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1},   // 17 in and out: every register block size
                new int[] {1, 4, 120, 6, 6, 3, 3, 1, 1, 0, 0, 1, 1},   // 1,080 taps: over the direct limit
                new int[] {37, 32, 3, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1}, // 32 outputs, direct, in groups
                new int[] {37, 32, 3, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1}, // strided: the transposed GEMM forward, in groups
                new int[] {5, 64, 8, 40, 40, 3, 3, 1, 1, 0, 0, 1, 1},  // 64 outputs, a group per sample (network D's kind)
                new int[] {3, 48, 3, 9, 7, 3, 2, 2, 1, 1, 0, 2, 1})    // 48 outputs, stride, padding and dilation
                .map(Arguments::of);
    }

    /** {N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw}. */
    static Stream<Arguments> pools() {
        return Stream.of(
                new int[] {2, 3, 8, 8, 2, 2, 2, 2, 0, 0, 1, 1},
                new int[] {1, 1, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1},
                new int[] {2, 17, 5, 6, 2, 3, 2, 1, 1, 1, 1, 1},
                new int[] {3, 2, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1},
                new int[] {2, 3, 10, 7, 1, 1, 3, 2, 0, 0, 1, 1},       // 1×1, stride > kernel
                new int[] {2, 2, 11, 11, 3, 2, 4, 3, 0, 1, 1, 1},      // stride > kernel, non-square
                new int[] {3, 6, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1},      // the benchmark networks' pooling
                new int[] {2, 16, 10, 10, 2, 2, 2, 2, 0, 0, 1, 1},
                new int[] {1, 2, 9, 100, 2, 2, 2, 2, 0, 0, 1, 1},      // odd height: the last row unused
                new int[] {1, 1, 60, 200, 2, 2, 2, 2, 0, 0, 1, 1},     // a wide plane
                new int[] {2, 3, 7, 9, 2, 2, 2, 2, 0, 0, 1, 1})        // odd width
                .map(Arguments::of);
    }

    static Window2d window(int[] s, int from) {
        return new Window2d(s[from], s[from + 1], s[from + 2], s[from + 3], s[from + 4], s[from + 5], s[from + 6],
                s[from + 7], s[from + 8], s[from + 9], s[from + 10]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void convolutionAgrees(int[] s) {
        int n = s[0], oc = s[1];
        Window2d g = window(s, 2);
        SplittableRandom rnd = new SplittableRandom(g.hashCode());
        String at = "conv2d N=" + n + " OC=" + oc + " " + g;
        int k = g.patchSize(), out = oc * g.outPlane();
        for (boolean withBias : new boolean[] {true, false}) {
            try (Tensor x = Agreement.uniform(rnd, n, g.inSize(), -1, 1);
                 Tensor w = Agreement.uniform(rnd, oc, k, -1, 1);
                 Tensor b = Agreement.uniform(rnd, 1, oc, -1, 1);
                 Tensor dy = Agreement.uniform(rnd, n, out, -1, 1);
                 Tensor cols = Tensor.allocate(1, (int) g.convScratch(oc, n));
                 Tensor yn = Tensor.allocate(n, out); Tensor yr = Tensor.allocate(n, out);
                 Tensor dxn = Tensor.allocate(n, g.inSize()); Tensor dxr = Tensor.allocate(n, g.inSize());
                 Tensor dw0 = Agreement.uniform(rnd, oc, k, -1, 1);
                 Tensor dwn = Agreement.copy(dw0); Tensor dwr = Agreement.copy(dw0);
                 Tensor db0 = Agreement.uniform(rnd, 1, oc, -1, 1);
                 Tensor dbn = Agreement.copy(db0); Tensor dbr = Agreement.copy(db0);
                 Tensor ax = abs(x); Tensor aw = abs(w); Tensor ab = abs(b); Tensor ady = abs(dy);
                 Tensor magY = Tensor.allocate(n, out); Tensor magDx = Tensor.allocate(n, g.inSize());
                 Tensor magDw = Tensor.allocate(oc, k); Tensor magDb = Tensor.allocate(1, oc)) {
                Tensor bias = withBias ? b : null;
                yn.fill(Float.NaN);   // every output is written
                dxn.fill(Float.NaN);
                NATIVE.conv2dForward(yn, x, w, bias, cols, g);
                REFERENCE.conv2dForward(yr, x, w, bias, cols, g);
                REFERENCE.conv2dForward(magY, ax, aw, withBias ? ab : null, cols, g);
                within(at + " forward" + (withBias ? "" : " (no bias)"), yn, yr, magY, k + 1);

                NATIVE.conv2dBackwardInput(dxn, dy, w, cols, g);
                REFERENCE.conv2dBackwardInput(dxr, dy, w, cols, g);
                REFERENCE.conv2dBackwardInput(magDx, ady, aw, cols, g);
                // the reference sums dx in float too: twice the bound
                within(at + " input gradient", dxn, dxr, magDx, 2 * (oc * g.kh() * g.kw() + 2));

                NATIVE.conv2dBackwardWeight(dwn, withBias ? dbn : null, dy, x, cols, g);
                REFERENCE.conv2dBackwardWeight(dwr, withBias ? dbr : null, dy, x, cols, g);
                REFERENCE.conv2dBackwardWeight(magDw, withBias ? magDb : null, ady, ax, cols, g);
                Agreement.within(at + " weight gradient", dwn.toArray(), dwr.toArray(),
                        bound(magDw, dw0, n * g.outPlane() + 2), k);
                if (withBias) {
                    Agreement.within(at + " bias gradient", dbn.toArray(), dbr.toArray(),
                            bound(magDb, db0, n * g.outPlane() + 2), oc);
                } else {
                    Agreement.identical(at + " bias untouched", dbn, db0);
                }
            }
        }
    }

    /** float32 sums of `terms` products against a double-accumulated reference: (terms + 2)·2^-24·Σ|a||b|. */
    private static void within(String what, Tensor got, Tensor want, Tensor magnitude, int terms) {
        float[] m = magnitude.toArray();
        double[] bound = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            bound[i] = (terms + 2) * 0x1.0p-24 * m[i] * 1.01 + Float.MIN_NORMAL;
        }
        Agreement.within(what, got.toArray(), want.toArray(), bound, want.cols());
    }

    private static double[] bound(Tensor magnitude, Tensor start, int terms) {
        float[] m = magnitude.toArray();
        float[] c = start.toArray();
        double[] bound = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            bound[i] = (terms + 2) * 0x1.0p-24 * (m[i] + Math.abs(c[i])) * 1.01 + Float.MIN_NORMAL;
        }
        return bound;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void poolingAgrees(int[] s) {
        int n = s[0];
        Window2d g = window(s, 1);
        int out = g.channels() * g.outPlane();
        String at = "pool2d N=" + n + " " + g;
        // values from a small set, half with a ReLU's zeros: exact ties in most windows; a few NaNs and -0s
        SplittableRandom rnd = new SplittableRandom(g.hashCode());
        try (Tensor x = Tensor.allocate(n, g.inSize()); Tensor dy = Agreement.uniform(rnd, n, out, -1, 1);
             Tensor yn = Tensor.allocate(n, out); Tensor yr = Tensor.allocate(n, out);
             Tensor an = Tensor.allocate(n, out); Tensor ar = Tensor.allocate(n, out);
             Tensor dxn = Tensor.allocate(n, g.inSize()); Tensor dxr = Tensor.allocate(n, g.inSize())) {
            FloatBuffer xb = InUse.buffer(x);
            for (int i = 0; i < x.size(); i++) {
                int v = rnd.nextInt(-3, 4);
                xb.put(i, rnd.nextInt(40) == 0 ? Float.NaN : rnd.nextInt(40) == 0 ? -0f
                        : (rnd.nextBoolean() ? Math.max(0, v) : v) * 0.5f);
            }
            NATIVE.maxPool2dForward(yn, an, x, g);
            REFERENCE.maxPool2dForward(yr, ar, x, g);
            Agreement.identical(at + " max forward", yn, yr);
            Agreement.identical(at + " max argmax", an, ar);
            dxn.fill(Float.NaN);
            NATIVE.maxPool2dBackward(dxn, dy, an, g);
            REFERENCE.maxPool2dBackward(dxr, dy, ar, g);
            // windows that share an argmax sum in the same order on both sides
            Agreement.identical(at + " max backward", dxn, dxr);
            // an argmax changed since the forward, still inside the sample but not in its window
            an.set(an.size() - 1, 0);
            ar.set(ar.size() - 1, 0);
            NATIVE.maxPool2dBackward(dxn, dy, an, g);
            REFERENCE.maxPool2dBackward(dxr, dy, ar, g);
            Agreement.identical(at + " max backward, an argmax outside its window", dxn, dxr);

            for (boolean includePad : new boolean[] {true, false}) {
                String avg = at + " avg count_include_pad=" + includePad;
                try (Tensor xr = Agreement.uniform(rnd, n, g.inSize(), -2, 2)) {
                    NATIVE.avgPool2dForward(yn, xr, g, includePad);
                    REFERENCE.avgPool2dForward(yr, xr, g, includePad);
                    Agreement.identical(avg + " forward", yn, yr);   // both sum in double, divide once
                    dxn.fill(Float.NaN);
                    NATIVE.avgPool2dBackward(dxn, dy, g, includePad);
                    REFERENCE.avgPool2dBackward(dxr, dy, g, includePad);
                    Agreement.identical(avg + " backward", dxn, dxr);   // same float sums, same order
                }
            }
        }
    }

    @Test
    void maxPoolingFollowsPyTorchOnTiesAndNaN() {
        Window2d g = new Window2d(1, 2, 4, 2, 2, 2, 2, 0, 0, 1, 1);
        for (Backend b : List.of(NATIVE, REFERENCE)) {
            // window 1: all equal (the first wins); window 2: a NaN after a larger value (NaN wins)
            try (Tensor x = Tensor.of(1, 8, 1, 1, 5, 7, 1, 1, Float.NaN, 2);
                 Tensor y = Tensor.allocate(1, 2); Tensor a = Tensor.allocate(1, 2)) {
                b.maxPool2dForward(y, a, x, g);
                assertEquals(1f, y.toArray()[0], b.name());
                assertTrue(Float.isNaN(y.toArray()[1]), b.name());
                assertEquals(0f, a.toArray()[0], b.name());
                assertEquals(6f, a.toArray()[1], b.name());
            }
        }
    }

    @Test
    void aForgedArgmaxIsRefusedBeforeAnyWrite() {
        Window2d g = new Window2d(1, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1);
        for (Backend b : List.of(NATIVE, REFERENCE)) {
            for (float bad : new float[] {16, -1, 2.5f, Float.NaN, 1e9f}) {
                try (Tensor dy = Tensor.allocate(2, 4); Tensor a = Tensor.allocate(2, 4);
                     Tensor dx = Tensor.allocate(2, 16)) {
                    dx.fill(3f);
                    a.copyFrom(new float[] {0, 2, 8, 10, 0, 2, bad, 10});
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> b.maxPool2dBackward(dx, dy, a, g), b.name() + " " + bad);
                    assertTrue(e.getMessage().contains("element 6"), e.getMessage());
                    for (float v : dx.toArray()) {
                        assertEquals(3f, v, "nothing written");
                    }
                }
            }
        }
    }

    @Test
    void badGeometryIsAnErrorNamingTheShapes() {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new Window2d(1, 4, 4, 6, 6, 1, 1, 0, 0, 1, 1));
        assertTrue(big.getMessage().contains("[1, 4, 4] kernel 6x6") && big.getMessage().contains("larger"),
                big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Window2d(0, 4, 4, 1, 1, 1, 1, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Window2d(1, 4, 4, 1, 1, 0, 1, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Window2d(1, 4, 4, 1, 1, 1, 1, -1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Window2d(1, 4, 4, 3, 3, 1, 1, 0, 0, 2, 2));
        Window2d g = new Window2d(3, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1);
        for (Backend b : List.of(NATIVE, REFERENCE)) {
            try (Tensor x = Tensor.allocate(2, 74); Tensor ok = Tensor.allocate(2, 75); Tensor y = Tensor.allocate(2, 36);
                 Tensor w = Tensor.allocate(4, 27); Tensor wBad = Tensor.allocate(4, 26);
                 Tensor cols = Tensor.allocate(1, (int) g.convScratch(4, 2)); Tensor small = Tensor.allocate(27, 8);
                 Tensor y3 = Tensor.allocate(3, 36)) {
                String m = assertThrows(IllegalArgumentException.class,
                        () -> b.conv2dForward(y, x, w, null, cols, g)).getMessage();
                assertTrue(m.contains("input[2, 74]") && m.contains("[N, 75]"), m);
                m = assertThrows(IllegalArgumentException.class,
                        () -> b.conv2dForward(y, ok, wBad, null, cols, g)).getMessage();
                assertTrue(m.contains("weight[4, 26]"), m);
                m = assertThrows(IllegalArgumentException.class,
                        () -> b.conv2dForward(y, ok, w, null, small, g)).getMessage();
                assertTrue(m.contains("cols[27, 8]"), m);
                m = assertThrows(IllegalArgumentException.class,
                        () -> b.conv2dForward(y3, ok, w, null, cols, g)).getMessage();
                assertTrue(m.contains("same rows"), m);
                m = assertThrows(IllegalArgumentException.class,
                        () -> b.conv2dForward(y, ok, w, null, ok, g)).getMessage();
                assertTrue(m.contains("cols"), m);
            }
        }
    }

    private static Tensor abs(Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.of(t.rows(), t.cols(), v);
    }
}
