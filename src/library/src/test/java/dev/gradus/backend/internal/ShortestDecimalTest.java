// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShortestDecimalTest {
    @Test
    void readsAFloatAsTheDecimalThatWasWritten() {
        assertEquals(0.999, ShortestDecimal.of(0.999f));
        assertEquals(0.9, ShortestDecimal.of(0.9f));
        assertEquals(1e-8, ShortestDecimal.of(1e-8f));
        assertEquals(1e-10, ShortestDecimal.of(1e-10f));
        assertEquals(0.001, ShortestDecimal.of(0.001f));
        assertEquals(-0.05, ShortestDecimal.of(-0.05f));
        assertEquals(3e4, ShortestDecimal.of(3e4f));
        assertEquals(123456.7, ShortestDecimal.of(123456.7f));
        assertEquals(0.0, ShortestDecimal.of(0f));
        assertEquals(1.0, ShortestDecimal.of(1f));
    }

    @Test
    void agreesWithJavaForManyFloats() {
        // Float.toString gives a decimal that reads back as the same float; ours must round to it as well
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 20000; i++) {
            float v = (float) (r.nextDouble(0.1, 1) * Math.pow(10, r.nextInt(-12, 8)));   // hyperparameter magnitudes
            double d = ShortestDecimal.of(v);
            assertEquals(v, (float) d, "round trip of " + v);
            org.junit.jupiter.api.Assertions.assertTrue(Double.toString(d).length() <= Float.toString(v).length() + 2,
                    v + " -> " + d);
        }
    }
}
