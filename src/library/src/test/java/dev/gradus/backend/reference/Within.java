// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Element-wise comparisons for the reference backend's tests; a failure names the worst element,
 * its index, both values and the bound it broke.
 */
final class Within {
    private Within() {}

    /** Pass when {@code |got − want| <= atol + rtol·|want|} for every element. */
    static void close(String what, float[] got, double[] want, double atol, double rtol) {
        if (got.length != want.length) {
            fail(what + ": " + got.length + " values, expected " + want.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < got.length; i++) {
            double bound = atol + rtol * Math.abs(want[i]);
            double diff = Math.abs(got[i] - want[i]);
            boolean bad = !(diff <= bound) && !(Double.isNaN(want[i]) && Float.isNaN(got[i]));
            if (bad && (worst < 0 || diff - bound > worstExcess || Double.isNaN(diff))) {
                worst = i;
                worstExcess = diff - bound;
            }
        }
        if (worst >= 0) {
            fail(what + ": worst element " + worst + " is " + got[worst] + ", expected " + want[worst]
                    + " (|diff| " + Math.abs(got[worst] - want[worst]) + " > atol " + atol + " + rtol " + rtol
                    + "·|expected|)");
        }
    }

    /** Pass when every element is within {@code maxUlps} float32 units in the last place of {@code want}. */
    static void ulps(String what, float[] got, float[] want, int maxUlps) {
        if (got.length != want.length) {
            fail(what + ": " + got.length + " values, expected " + want.length);
        }
        int worst = -1;
        long worstUlps = 0;
        for (int i = 0; i < got.length; i++) {
            long d = ulpDistance(got[i], want[i]);
            if (d > worstUlps) {
                worst = i;
                worstUlps = d;
            }
        }
        if (worstUlps > maxUlps) {
            fail(what + ": worst element " + worst + " is " + got[worst] + ", expected " + want[worst] + " ("
                    + worstUlps + " ulps apart, at most " + maxUlps + " allowed)");
        }
    }

    /** How many floats lie between a and b (0 when equal; +0 and −0 are equal; NaN vs NaN is 0). */
    static long ulpDistance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float v) {
        int bits = Float.floatToRawIntBits(v);
        return bits >= 0 ? bits : (long) Integer.MIN_VALUE - bits;
    }

    static float[] floats(com.google.gson.JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    static double[] doubles(com.google.gson.JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }
}
