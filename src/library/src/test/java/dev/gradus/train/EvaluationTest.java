// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.data.Dataset;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    /**
     * y_true = [0,0,0,1,1,2,2,2,2], y_pred = [0,1,0,1,1,2,0,2,1]. Expected values from
     * sklearn.metrics.precision_recall_fscore_support / confusion_matrix, computed by hand:
     * class 0: tp 2, predicted 3, support 3 → p 2/3, r 2/3; class 1: tp 2, predicted 4, support 2 →
     * p 1/2, r 1; class 2: tp 2, predicted 2, support 4 → p 1, r 1/2.
     */
    private static Evaluation sample() {
        Evaluation e = new Evaluation(List.of("a", "b", "c"));
        int[] actual = {0, 0, 0, 1, 1, 2, 2, 2, 2};
        int[] predicted = {0, 1, 0, 1, 1, 2, 0, 2, 1};
        for (int i = 0; i < actual.length; i++) {
            e.add(actual[i], predicted[i]);
        }
        return e;
    }

    // Metrics are ratios of small integers computed in double: 1e-12 only absorbs the last-bit rounding.
    private static final double EPS = 1e-12;

    @Test
    void metricsMatchScikitLearnByHand() {
        Evaluation e = sample();
        assertEquals(9, e.count());
        assertEquals(6.0 / 9, e.accuracy(), EPS);
        assertArrayEquals(new long[] {2, 1, 0}, e.confusionMatrix()[0]);
        assertArrayEquals(new long[] {0, 2, 0}, e.confusionMatrix()[1]);
        assertArrayEquals(new long[] {1, 1, 2}, e.confusionMatrix()[2]);
        assertEquals(2.0 / 3, e.precision(0), EPS);
        assertEquals(0.5, e.precision(1), EPS);
        assertEquals(1.0, e.precision(2), EPS);
        assertEquals(2.0 / 3, e.recall(0), EPS);
        assertEquals(1.0, e.recall(1), EPS);
        assertEquals(0.5, e.recall(2), EPS);
        assertEquals(2.0 / 3, e.f1(0), EPS);
        assertEquals(2.0 / 3, e.f1(1), EPS);
        assertEquals(2.0 / 3, e.f1(2), EPS);
        assertEquals((2.0 / 3 + 0.5 + 1) / 3, e.macroPrecision(), EPS);
        assertEquals((2.0 / 3 + 1 + 0.5) / 3, e.macroRecall(), EPS);
        assertEquals(2.0 / 3, e.macroF1(), EPS);
        assertEquals(4, e.support(2));
    }

    @Test
    void emptyClassesScoreZeroLikeZeroDivisionZero() {
        Evaluation e = new Evaluation(List.of("x", "y"));
        e.add(0, 0);
        assertEquals(0, e.precision(1));
        assertEquals(0, e.recall(1));
        assertEquals(0, e.f1(1));
        assertEquals(0.5, e.macroF1(), EPS);
        assertThrows(IllegalArgumentException.class, () -> e.add(2, 0));
    }

    @Test
    void tablesAreAlignedAndNamed() {
        String s = sample().toString();
        assertTrue(s.startsWith("accuracy 66.67% (9 samples)"), s);
        assertTrue(s.contains("true\\pred"), s);
        assertTrue(s.contains("macro avg"), s);
        String[] lines = sample().confusionTable().split("\n");
        assertEquals(4, lines.length);
        for (String line : lines) {
            assertEquals(lines[0].length(), line.length(), "aligned:\n" + String.join("\n", lines));
        }
    }

    /**
     * Issue 8: the dense confusion matrix of a million classes (a CSV with the label 1000000) ran out of
     * memory. Counts are kept sparse; the table shows the classes that occur.
     */
    @Test
    void manyClassesFewSamplesStaySmall() {
        List<String> names = Dataset.numberedClasses(1_000_001);
        long[] heap = new long[1];
        Evaluation[] holder = new Evaluation[1];
        heap[0] = dev.gradus.HeapBytes.of(() -> {
            Evaluation e = new Evaluation(names);
            e.add(1_000_000, 1_000_000);
            e.add(1_000_000, 2);
            e.add(2, 2);
            holder[0] = e;
        });
        assertTrue(heap[0] < 64 << 20, "an evaluation of 10^6 classes and 3 samples allocated " + heap[0] + " bytes");
        Evaluation e = holder[0];
        assertEquals(1, e.count(1_000_000, 2));
        assertEquals(1, e.count(2, 2));
        assertEquals(0, e.count(2, 1_000_000));
        assertEquals(2.0 / 3, e.accuracy(), EPS);
        assertEquals(0.5, e.precision(2), EPS);
        assertEquals(0.5, e.recall(1_000_000), EPS);
        String[] lines = e.confusionTable().split("\n");
        assertEquals("(the 2 of 1,000,001 classes that occur as a true or a predicted class)", lines[0]);
        assertEquals(4, lines.length, e.confusionTable());
        assertTrue(lines[2].matches("2 +1 +0"), lines[2]);
        assertTrue(lines[3].matches("1000000 +1 +1"), lines[3]);
        IllegalStateException dense = assertThrows(IllegalStateException.class, e::confusionMatrix);
        assertTrue(dense.getMessage().contains("count(actual, predicted)"), dense.getMessage());
    }

    @Test
    void argmaxTakesTheFirstMaximumAndSkipsNaN() {
        FloatBuffer b = FloatBuffer.wrap(new float[] {1, 3, 3, Float.NaN, 2, 0});
        assertEquals(1, Evaluation.argmax(b, 0, 3));
        assertEquals(1, Evaluation.argmax(b, 3, 3));
    }
}
