// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Erf} against tabulated values (from CPython's {@code math.erf} and {@code math.erfc}, accurate to about an ulp). */
class ErfTest {
    // erf: a few ulps of a double (the series and the fraction both sum positive terms)
    private static final double ERF_RTOL = 2e-15;
    // erfc below x = 2 is 1 − erf and loses the digits erf had in common with 1: 1e-13 relative
    private static final double ERFC_RTOL = 1e-13;

    @Test
    void erfMatchesTable() {
        double[][] table = {
            {0.0, 0.0},
            {1e-10, 1.1283791670955126e-10},
            {0.1, 0.1124629160182849},
            {0.5, 0.5204998778130465},
            {1.0, 0.8427007929497149},
            {1.5, 0.9661051464753108},
            {1.99, 0.995111413199617},
            {2.0, 0.9953222650189527},
            {3.0, 0.9999779095030014},
            {5.0, 0.9999999999984626},
        };
        for (double[] row : table) {
            assertClose("erf(" + row[0] + ")", row[1], Erf.erf(row[0]), ERF_RTOL);
            assertClose("erf(" + -row[0] + ")", -row[1], Erf.erf(-row[0]), ERF_RTOL);
        }
    }

    @Test
    void erfcMatchesTable() {
        double[][] table = {
            {-1.0, 1.842700792949715},
            {0.5, 0.4795001221869535},
            {1.0, 0.15729920705028513},
            {2.0, 0.004677734981047265},
            {3.0, 2.2090496998585438e-05},
            {5.0, 1.5374597944280351e-12},
            {10.0, 2.088487583762545e-45},
            {26.0, 5.663192408856143e-296},
        };
        for (double[] row : table) {
            assertClose("erfc(" + row[0] + ")", row[1], Erf.erfc(row[0]), ERFC_RTOL);
        }
        assertEquals(0.0, Erf.erfc(30));
        assertEquals(2.0, Erf.erfc(-30));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    }

    private static void assertClose(String what, double want, double got, double rtol) {
        assertTrue(Math.abs(got - want) <= rtol * Math.abs(want), what + " = " + got + ", expected " + want);
    }
}
