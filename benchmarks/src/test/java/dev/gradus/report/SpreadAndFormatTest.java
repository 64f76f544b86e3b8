// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadAndFormatTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(new Spread(2, 1, 9, 3), Spread.of(9, 1, 2));
        assertEquals(new Spread(2.5, 1, 9, 4), Spread.of(9, 1, 2, 3));
        assertEquals(0, Spread.of(5).relativeRange());
        assertEquals(0, Spread.of().count());
    }

    @Test
    void numbersKeepThreeSignificantFigures() {
        assertEquals("0.0123", Format.number(0.012345));
        assertEquals("1.23", Format.number(1.2345));
        assertEquals("12.3", Format.number(12.345));
        assertEquals("123", Format.number(123.45));
        assertEquals("123,456", Format.number(123456.2));
        assertEquals("n/a", Format.number(Double.NaN));
        assertEquals("4 Ki", Format.elements(4096));
        assertEquals("256 Ki", Format.elements(262144));
        assertEquals("16 Mi", Format.elements(16777216));
        assertEquals("0.1", Format.tick(0.1));
        assertEquals("1,000", Format.tick(1000));
    }

    @Test
    void kernelTrafficCountsEveryArrayReadAndWritten() {
        assertEquals(8, KernelTraffic.bytesPerElement("relu_forward"));      // inp in, out out
        assertEquals(28, KernelTraffic.bytesPerElement("adam_update"));      // p, g, m, v in; p, m, v out
        assertEquals(20, KernelTraffic.bytesPerElement("sgd_update"));       // p, g, buf in; p, buf out
        assertThrows(IllegalArgumentException.class, () -> KernelTraffic.bytesPerElement("nope"));
    }

    @Test
    void chartRejectsRaggedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BarChart("t", "x",
                List.of("a", "b"), List.of("s"), new double[][] {{1}, {1, 2}}, false, Double.NaN));
        assertEquals("chart 't': category 'b' has 2 values for 1 series", e.getMessage());
    }

    @Test
    void logAxisSpansWholeDecades() {
        BarChart c = new BarChart("t", "x", List.of("a"), List.of("s", "u"), new double[][] {{3, 450}}, true, 1.0);
        double[] range = c.range();
        assertEquals(1, range[0]);
        assertEquals(1000, range[1]);
        assertEquals(250, BarChart.niceCeiling(201));
    }
}
