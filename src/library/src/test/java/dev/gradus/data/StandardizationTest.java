// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardizationTest {

    @Test
    void fitsTheMeanAndPopulationStdOfEachColumn() {
        // column 0: 1, 2, 3, 6 -> mean 3, variance (4+1+0+9)/4 = 3.5; column 1 constant 7 -> scale 1;
        // column 2: grams around 10^6, where a one-pass sum of squares would cancel
        try (Tensor x = Tensor.of(4, 3, 1f, 7f, 1_000_000f, 2f, 7f, 1_000_002f, 3f, 7f, 1_000_004f, 6f, 7f, 1_000_006f)) {
            Standardization s = Standardization.fit(x);
            assertArrayEquals(new float[] {3f, 7f, 1_000_003f}, s.mean());
            assertArrayEquals(new float[] {(float) Math.sqrt(3.5), 1f, (float) Math.sqrt(5)}, s.scale());
            s.apply(x);   // divides by the stored float scale, in double, rounded once
            double s0 = (float) Math.sqrt(3.5);
            double s2 = (float) Math.sqrt(5);
            assertArrayEquals(new float[] {(float) (-2 / s0), 0f, (float) (-3 / s2)},
                    new float[] {x.get(0, 0), x.get(0, 1), x.get(0, 2)});
            assertEquals((float) (3 / s0), x.get(3, 0));
        }
    }

    @Test
    void appliesTheTrainingStatisticsToOtherData() {
        Standardization s = new Standardization(new float[] {10f, -1f}, new float[] {2f, 0.5f});
        try (Tensor x = Tensor.of(1, 2, 14f, 0f)) {
            s.apply(x);
            assertArrayEquals(new float[] {2f, 2f}, x.toArray());
        }
        try (Tensor wrong = Tensor.of(1, 3, 0f, 0f, 0f)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.apply(wrong));
            assertTrue(e.getMessage().contains("fitted on 2 features but the data has 3"), e.getMessage());
        }
    }

    @Test
    void jsonRoundTripsBitForBit() {
        Standardization s = new Standardization(new float[] {0.1f, 1e-30f, -123456.79f}, new float[] {3.4e38f, 1.4e-45f, 7f});
        String json = s.toJson();
        assertEquals(s, Standardization.parse(json));
        assertEquals(s, Standardization.parse(" { \"mean\" : [ 0.1, 1.0E-30 , -123456.79 ] , \"scale\":[3.4E38,1.4E-45,7.0]} "));
        assertEquals(s, Standardization.fromMetadata(Map.of(Standardization.METADATA_KEY, json)));
        assertNull(Standardization.fromMetadata(Map.of("classes", "[]")));
    }

    @Test
    void refusesMalformedStatistics() {
        for (String bad : new String[] {"", "{}", "{\"mean\":[1],\"scale\":[1,2]}", "{\"mean\":[1],\"scale\":[0]}",
                "{\"mean\":[NaN],\"scale\":[1]}", "{\"mean\":[1x],\"scale\":[1]}", "{\"mean\":[],\"scale\":[]}",
                "{\"scale\":[1],\"mean\":[1]}"}) {
            assertThrows(IllegalArgumentException.class, () -> Standardization.parse(bad), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Standardization.fromMetadata(Map.of(Standardization.METADATA_KEY, "{\"mean\":[1],\"scale\":[-1]}")));
        assertTrue(e.getMessage().contains("metadata 'standardization'") && e.getMessage().contains("scale -1.0"),
                e.getMessage());
    }

    @Test
    void spreadRatioComparesTheFeaturesThatVary() {
        try (Tensor x = Tensor.of(3, 3, 1000f, 0.1f, 5f, 3000f, 0.2f, 5f, 2000f, 0.3f, 5f)) {
            assertEquals(10_000, Standardization.spreadRatio(x), 1e-4 * 10_000);
        }
        try (Tensor same = Tensor.of(2, 2, 1f, 10f, 2f, 11f)) {
            assertEquals(1, Standardization.spreadRatio(same), 1e-12);
        }
    }
}
