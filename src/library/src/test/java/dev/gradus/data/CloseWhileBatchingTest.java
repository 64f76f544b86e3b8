// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Closing a dataset while another thread batches it is an IllegalStateException in that thread:
 * the batcher holds the dataset's memory while it copies rows, as kernels hold theirs. Without the
 * hold, the copy read freed memory; a 64 MiB dataset's pages are unmapped at its close (a SIGSEGV).
 */
class CloseWhileBatchingTest {

    @Test
    void closingADatasetWhileAnotherThreadBatchesIt() throws Exception {
        long before = Pointer.totalBytes();
        for (int round = 0; round < 3; round++) {
            Tensor x = Tensor.allocate(16_384, 1024).fill(0.5f);   // 64 MiB
            Dataset d = Dataset.classification(x, Labels.allocate(16_384), 10);
            AtomicInteger batches = new AtomicInteger();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try (Batches b = new Batches(d, 4096, 1)) {
                    for (;;) {
                        b.startInOrder();
                        while (b.hasNext()) {
                            b.next();
                            batches.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "batcher");
            worker.start();
            while (batches.get() < 2 && worker.isAlive()) {
                Thread.sleep(1);
            }
            d.close();
            worker.join(60_000);
            assertInstanceOf(IllegalStateException.class, thrown.get(), "the batcher's error");
            assertTrue(thrown.get().getMessage().contains("closed"), thrown.get().getMessage());
            assertThrows(IllegalStateException.class, () -> {
                try (Batches b = new Batches(d, 8, 1)) {
                    b.startInOrder();
                    b.next();
                }
            }, "use after close");
        }
        assertTrue(Pointer.totalBytes() <= before, "every byte freed (a GC may free others' leftovers meanwhile)");
    }
}
