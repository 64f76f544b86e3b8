// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-entropy checks each label as it reads it, on both backends. Labels are memory another thread
 * can rewrite: a range check in Java before the call held only until then, and a label rewritten to
 * 2^30 after it made the native kernel read 4 GiB past the logits (a SIGSEGV, 2 runs of 2).
 */
class LabelReadTest {

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aBadLabelIsReportedWithItsRowAndValue(String name) {
        Backend b = Backend.named(name);
        try (Tensor logits = Tensor.allocate(300, 7); Tensor d = Tensor.allocate(300, 7); Labels y = Labels.allocate(300)) {
            y.set(211, 7);
            y.set(250, -3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.crossEntropyForward(logits, y));
            assertEquals("crossEntropy: label 7 at row 211 is outside [0, 7)", e.getMessage(), "the first bad row");
            e = assertThrows(IllegalArgumentException.class, () -> b.crossEntropyBackward(d, logits, y));
            assertEquals("crossEntropy: label 7 at row 211 is outside [0, 7)", e.getMessage());
            y.set(211, 6);
            e = assertThrows(IllegalArgumentException.class, () -> b.crossEntropyForward(logits, y));
            assertEquals("crossEntropy: label -3 at row 250 is outside [0, 7)", e.getMessage());
            y.set(250, 0);
            assertEquals(Math.log(7), b.crossEntropyForward(logits, y), 1e-6, "all valid again: the mean loss");
            b.crossEntropyBackward(d, logits, y);
        }
    }

    /** Another thread flips one label between valid and far out of range while this one computes. */
    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void labelsRewrittenDuringTheCallAreAnExceptionNeverAWildRead(String name) throws InterruptedException {
        Backend b = Backend.named(name);
        int rows = 2048;
        int row = 1500;
        try (Tensor logits = Tensor.allocate(rows, 10); Tensor d = Tensor.allocate(rows, 10); Labels y = Labels.allocate(rows)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    y.set(row, 1 << 30);
                    y.set(row, 3);
                    y.set(row, Integer.MIN_VALUE);
                    y.set(row, 3);
                }
            }, "label writer");
            writer.start();
            int ok = 0;
            int rejected = 0;
            try {
                for (int i = 0; i < 200_000 && (ok < 20 || rejected < 20); i++) {   // until both were seen
                    try {
                        if (i % 2 == 0) {
                            b.crossEntropyForward(logits, y);
                        } else {
                            b.crossEntropyBackward(d, logits, y);
                        }
                        ok++;
                    } catch (IllegalArgumentException e) {
                        String m = e.getMessage();
                        assertTrue(m.equals("crossEntropy: label 1073741824 at row 1500 is outside [0, 10)")
                                || m.equals("crossEntropy: label -2147483648 at row 1500 is outside [0, 10)"), m);
                        rejected++;
                    }
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertTrue(ok >= 20 && rejected >= 20, ok + " calls passed, " + rejected + " rejected");
        }
    }
}
