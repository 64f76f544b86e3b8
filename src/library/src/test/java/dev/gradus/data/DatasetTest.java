// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** n samples, 2 features each: (i, 10·i); label i % 3. */
    static Dataset numbered(int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i % 3;
        }
        return Dataset.classification(Tensor.of(n, 2, x), Labels.of(y), 3);
    }

    /** 90 of class 0 and 10 of class 1: a stratified 20% split validates 18 and 2, and keeps every row once. */
    @Test
    void stratifiedSplitKeepsTheClassProportions() {
        float[] x = new float[100];
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            y[i] = i % 10 == 0 ? 1 : 0;
        }
        try (Dataset d = Dataset.classification(Tensor.of(100, 1, x), Labels.of(y), 2);
             Dataset.Split s = d.stratifiedSplit(0.2, 3); Dataset.Split again = d.stratifiedSplit(0.2, 3)) {
            int[] valCount = new int[2];
            for (int i = 0; i < s.validation().size(); i++) {
                valCount[s.validation().labels().get(i)]++;
            }
            assertArrayEquals(new int[] {18, 2}, valCount);
            assertEquals(80, s.train().size());
            assertArrayEquals(s.validation().features().toArray(), again.validation().features().toArray(), "seeded");
            Set<Float> rows = new HashSet<>();
            for (Dataset part : new Dataset[] {s.train(), s.validation()}) {
                for (int i = 0; i < part.size(); i++) {
                    float id = part.features().get(i, 0);
                    assertTrue(rows.add(id), "row " + id + " appears twice");
                    assertEquals(((int) id) % 10 == 0 ? 1 : 0, part.labels().get(i), "label follows its row");
                }
            }
            assertEquals(100, rows.size());
        }
        try (Dataset d = Dataset.classification(Tensor.of(2, 1, 0f, 1f), Labels.of(new int[] {0, 1}), 2)) {
            assertThrows(IllegalArgumentException.class, () -> d.stratifiedSplit(0.2, 1), "rounds to no validation");
        }
    }

    @Test
    void splitIsSeededDisjointCompleteAndKeepsOrder() {
        try (Dataset d = numbered(100); Dataset.Split s = d.split(0.2, 7); Dataset.Split again = d.split(0.2, 7);
             Dataset.Split other = d.split(0.2, 8)) {
            assertEquals(80, s.train().size());
            assertEquals(20, s.validation().size());
            assertArrayEquals(s.validation().features().toArray(), again.validation().features().toArray());
            assertTrue(!Arrays.equals(s.validation().features().toArray(), other.validation().features().toArray()),
                    "another seed should choose other validation rows");
            Set<Integer> seen = new HashSet<>();
            for (Dataset part : new Dataset[] {s.train(), s.validation()}) {
                int previous = -1;
                for (int i = 0; i < part.size(); i++) {
                    int id = (int) part.features().get(i, 0);
                    assertEquals(10f * id, part.features().get(i, 1), "row " + i + " must stay whole");
                    assertEquals(id % 3, part.labels().get(i), "label must follow its row " + i);
                    assertTrue(id > previous, "rows keep their original order");
                    previous = id;
                    assertTrue(seen.add(id), "row " + id + " appears twice");
                }
            }
            assertEquals(100, seen.size());
            assertEquals(3, s.train().classes());
        }
    }

    /** The split's rows, for who needs to know which input rows train (e.g. to fit categories on them). */
    @Test
    void validationRowsAreTheRowsTheSplitsHoldOut() {
        try (Dataset d = numbered(100); Dataset.Split s = d.split(0.2, 7); Dataset.Split t = d.stratifiedSplit(0.3, 7)) {
            for (Object[] c : new Object[][] {{s, d.validationRows(0.2, 7)}, {t, d.stratifiedValidationRows(0.3, 7)}}) {
                Dataset.Split split = (Dataset.Split) c[0];
                int[] val = (int[]) c[1];
                int[] train = Dataset.trainingRows(100, val);
                assertEquals(split.validation().size(), val.length);
                assertEquals(split.train().size(), train.length);
                for (int i = 0; i < val.length; i++) {
                    assertEquals(val[i], (int) split.validation().features().get(i, 0));
                }
                for (int i = 0; i < train.length; i++) {
                    assertEquals(train[i], (int) split.train().features().get(i, 0));
                }
            }
        }
        assertArrayEquals(new int[] {0, 2, 4}, Dataset.trainingRows(5, new int[] {1, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.trainingRows(5, new int[] {3, 1}));
        assertEquals("held-out row 1 (position 1) is not in [0, 5) or not above the one before it", e.getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        try (Dataset d = numbered(5)) {
            assertThrows(IllegalArgumentException.class, () -> d.split(0, 1));
            assertThrows(IllegalArgumentException.class, () -> d.split(1, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.split(0.01, 1));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> d.subset(new int[] {5}));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(Tensor.allocate(2, 1), Labels.of(0, 3), 3));
        assertTrue(e.getMessage().contains("label 3 of sample 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(Tensor.allocate(2, 1), Labels.of(0), 3));
        assertThrows(IllegalArgumentException.class, () -> Dataset.regression(Tensor.allocate(2, 1), Tensor.allocate(3, 1)));
    }

    @Test
    void regressionSubsetCopiesTargets() {
        try (Dataset d = Dataset.regression(Tensor.of(3, 1, 1, 2, 3), Tensor.of(3, 2, 10, 11, 20, 21, 30, 31));
             Dataset s = d.subset(new int[] {2, 0})) {
            assertArrayEquals(new float[] {3, 1}, s.features().toArray());
            assertArrayEquals(new float[] {30, 31, 10, 11}, s.targets().toArray());
            assertEquals(0, s.classes());
            assertThrows(IllegalStateException.class, s::labels);
        }
    }

    @Test
    void closeFreesEverything() {
        Dataset d = numbered(4);
        d.close();
        assertTrue(d.features().isClosed());
        assertTrue(d.labels().isClosed());
        d.close(); // idempotent
    }

    @Test
    void permutationIsAPermutationAndDependsOnSeedAndStream() {
        int[] a = Permutation.of(1000, 42, 3);
        int[] b = Permutation.of(1000, 42, 3);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertTrue(!Arrays.equals(a, Permutation.of(1000, 42, 4)), "another epoch gives another order");
        assertTrue(!Arrays.equals(a, Permutation.of(1000, 43, 3)), "another seed gives another order");
    }
}
