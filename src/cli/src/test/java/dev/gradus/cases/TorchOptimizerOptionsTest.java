// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Optimizer options the shared cases leave out (centered RMSprop, RMSprop weight decay, Adagrad lr decay
 * and initial accumulator, SGD dampening, Adam betas/eps, AMSGrad AdamW): 7 steps of a tiny network
 * against PyTorch 1.13, in gradus-case/1 files written by {@code torch_optimizer_cases.py} (test resources),
 * with their tolerance (rtol 1e-4, atol 1e-5: float32 against float64).
 */
class TorchOptimizerOptionsTest {

    @Test
    void everyOptionMatchesTorchOnEveryBackend() throws Exception {
        Path dir = Path.of(TorchOptimizerOptionsTest.class.getResource("optimizer_cases").toURI());
        for (Backend b : List.of(new ReferenceBackend(), new NativeBackend())) {
            List<CaseResult> results = CaseChecker.checkDirectory(dir, b);
            assertEquals(6, results.size());
            for (CaseResult r : results) {
                assertTrue(r.passed(), b.name() + ": " + r.line());
            }
        }
    }
}
