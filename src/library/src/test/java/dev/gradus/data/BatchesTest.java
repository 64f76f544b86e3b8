// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {

    /** The sample ids of one epoch, batch by batch, checking that each row arrived whole with its label. */
    private static List<Integer> epoch(Batches batches, int epoch) {
        List<Integer> ids = new ArrayList<>();
        batches.startEpoch(epoch);
        while (batches.hasNext()) {
            Batch b = batches.next();
            for (int i = 0; i < b.size(); i++) {
                int id = (int) b.features().get(i, 0);
                assertEquals(10f * id, b.features().get(i, 1));
                assertEquals(id % 3, b.labels().get(i));
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void everySampleOncePerEpochWithAPartialLastBatch() {
        try (Dataset d = DatasetTest.numbered(10); Batches batches = new Batches(d, 4, 1)) {
            assertEquals(3, batches.count());
            batches.startEpoch(0);
            int[] sizes = new int[3];
            for (int k = 0; k < 3; k++) {
                Batch b = batches.next();
                sizes[k] = b.size();
                assertEquals(k, b.index());
                assertEquals(b.size(), b.labels().length());
            }
            assertArrayEquals(new int[] {4, 4, 2}, sizes);
            assertFalse(batches.hasNext());
            assertThrows(IllegalStateException.class, batches::next);
            List<Integer> ids = epoch(batches, 0);
            List<Integer> sorted = new ArrayList<>(ids);
            sorted.sort(null);
            for (int i = 0; i < 10; i++) {
                assertEquals(i, sorted.get(i));
            }
        }
    }

    @Test
    void dropLastKeepsOnlyFullBatchesInTheSameOrder() {
        try (Dataset d = DatasetTest.numbered(10); Batches all = new Batches(d, 4, 1);
             Batches full = new Batches(d, 4, 1, true); Batches exact = new Batches(d, 5, 1, true)) {
            assertEquals(2, full.count());
            assertTrue(full.dropsLast());
            assertFalse(all.dropsLast());
            for (int e = 0; e < 3; e++) {
                List<Integer> kept = epoch(full, e);
                assertEquals(epoch(all, e).subList(0, 8), kept, "the same order, without its last 2 samples");
            }
            full.startEpoch(0);
            while (full.hasNext()) {
                assertEquals(4, full.next().size());
            }
            assertTrue(!epoch(full, 0).containsAll(epoch(full, 1)) || !epoch(full, 1).containsAll(epoch(full, 0))
                    || !epoch(full, 0).containsAll(epoch(full, 2)), "shuffled epochs drop different samples");
            assertEquals(2, exact.count(), "a batch size that divides the data drops nothing");
            assertEquals(10, epoch(exact, 0).size());
        }
    }

    @Test
    void orderDependsOnlyOnSeedAndEpoch() {
        try (Dataset d = DatasetTest.numbered(50); Batches a = new Batches(d, 8, 5); Batches b = new Batches(d, 8, 5);
             Batches c = new Batches(d, 8, 6)) {
            List<Integer> a0 = epoch(a, 0);
            List<Integer> a1 = epoch(a, 1);
            epoch(b, 7);                          // whatever came before ...
            assertEquals(a1, epoch(b, 1));        // ... epoch 1 is the same: resume needs only the epoch index
            assertEquals(a0, epoch(b, 0));
            assertTrue(!a0.equals(a1), "epochs are shuffled differently");
            assertTrue(!a0.equals(epoch(c, 0)), "seeds are shuffled differently");
        }
    }

    @Test
    void seekResumesMidEpochAndInOrderIsDatasetOrder() {
        try (Dataset d = DatasetTest.numbered(20); Batches a = new Batches(d, 6, 3)) {
            List<Integer> whole = epoch(a, 2);
            a.startEpoch(2);
            a.seek(2);
            Batch b = a.next();
            assertEquals(2, b.index());
            assertEquals(whole.get(12), (int) b.features().get(0, 0));
            a.startInOrder();
            List<Integer> ids = new ArrayList<>();
            while (a.hasNext()) {
                Batch x = a.next();
                for (int i = 0; i < x.size(); i++) {
                    ids.add((int) x.features().get(i, 0));
                }
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(i, ids.get(i));
            }
        }
    }

    @Test
    void regressionBatchesCarryTargets() {
        try (Dataset d = Dataset.regression(Tensor.of(3, 1, 0, 1, 2), Tensor.of(3, 1, 5, 6, 7));
             Batches batches = new Batches(d, 2, 0)) {
            batches.startInOrder();
            Batch b = batches.next();
            assertArrayEquals(new float[] {5, 6}, b.targets().toArray());
            assertThrows(IllegalStateException.class, b::labels);
            assertEquals(1, batches.next().size());
        }
    }

    @Test
    void batchLargerThanDatasetIsCapped() {
        try (Dataset d = DatasetTest.numbered(3); Batches batches = new Batches(d, 100, 0)) {
            assertEquals(3, batches.batchSize());
            assertEquals(1, batches.count());
        }
        try (Dataset d = DatasetTest.numbered(3)) {
            assertThrows(IllegalArgumentException.class, () -> new Batches(d, 0, 0));
        }
    }

    @Test
    void steadyStateBatchingAllocatesNothingOnTheHeap() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        try (Dataset d = DatasetTest.numbered(1000); Batches batches = new Batches(d, 64, 9)) {
            float sink = 0;
            for (int warm = 0; warm < 200; warm++) {   // let the JIT compile the loop first
                sink += drain(batches, warm);
            }
            long before = mx.getThreadAllocatedBytes(thread);
            for (int epoch = 0; epoch < 50; epoch++) {
                sink += drain(batches, epoch);
            }
            long allocated = mx.getThreadAllocatedBytes(thread) - before;
            // 50 epochs × 16 batches = 800 steps: even 16 B per step would be 12,800 B. The slack covers
            // the measuring call itself.
            assertTrue(allocated < 2048, "batching allocated " + allocated + " B over 800 steps (sink " + sink + ")");
        }
    }

    private static float drain(Batches batches, int epoch) {
        float s = 0;
        batches.startEpoch(epoch);
        while (batches.hasNext()) {
            Batch b = batches.next();
            s += InUse.buffer(b.features()).get(0);
        }
        return s;
    }

    @Test
    void permutationIsUniformEnoughForShuffling() {
        // Each of 5 samples should land first in roughly 1/5 of 5000 epochs. 1000 ± 5σ (σ ≈ 28) is a loose
        // bound that a broken shuffle (e.g. never moving element 0) fails by far.
        int[] first = new int[5];
        int[] order = new int[5];
        for (int e = 0; e < 5000; e++) {
            Permutation.fill(order, 5, 11, e);
            first[order[0]]++;
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(Math.abs(first[i] - 1000) < 140, "sample " + i + " came first " + first[i] + " times: "
                    + Arrays.toString(first));
        }
    }

    @Test
    void sameBatchObjectIsReused() {
        try (Dataset d = DatasetTest.numbered(8); Batches batches = new Batches(d, 4, 0)) {
            batches.startEpoch(0);
            assertSame(batches.next(), batches.next());
        }
    }
}
