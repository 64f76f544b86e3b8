// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Transpose;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * "Kernels never allocate" (the Backend contract): every kernel of the reference backend, called
 * repeatedly, allocates no heap memory on the calling thread (HotSpot's per-thread allocation counter).
 */
class AllocationTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void kernelsAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        try (Tensor a = Tensor.allocate(4, 3).fill(0.5f); Tensor b = Tensor.allocate(3, 5).fill(0.25f);
             Tensor c = Tensor.allocate(4, 5); Tensor x = Tensor.allocate(4, 5).fill(-0.3f); Tensor y = Tensor.allocate(4, 5);
             Tensor d = Tensor.allocate(4, 5).fill(0.1f); Tensor dx = Tensor.allocate(4, 5); Tensor bias = Tensor.allocate(1, 5);
             Tensor dbias = Tensor.allocate(1, 5); Tensor t = Tensor.allocate(4, 5).fill(0.5f); Tensor mask = Tensor.allocate(4, 5);
             Tensor s1 = Tensor.allocate(4, 5); Tensor s2 = Tensor.allocate(4, 5); Tensor s3 = Tensor.allocate(4, 5);
             Labels labels = Labels.of(0, 1, 2, 4)) {
            Runnable all = () -> {
                backend.gemm(c, a, Transpose.NO, b, Transpose.NO, 1f, 0f);
                for (Activation act : ACTS) {
                    backend.activationForward(act, y, x, bias);
                    backend.activationBackward(act, dx, d, x, y, dbias);
                }
                backend.columnSums(dbias, d);
                for (Loss loss : LOSSES) {
                    Tensor pred = loss.kind() == Loss.Kind.BCE ? t : y;   // bce takes probabilities
                    backend.lossForward(loss, pred, t);
                    backend.lossBackward(loss, dx, pred, t);
                }
                backend.crossEntropyForward(x, labels);
                backend.crossEntropyBackward(dx, x, labels);
                backend.dropoutForward(y, mask, x, 0.3f, 7L);
                backend.dropoutBackward(dx, d, mask);
                backend.sgdUpdate(x, d, s1, SGD, 0.01f, 2);
                backend.adagradUpdate(x, d, s1, ADAGRAD, 0.01f, 2);
                backend.rmspropUpdate(x, d, s1, s2, s3, RMSPROP, 0.01f, 2);
                backend.adamUpdate(x, d, s1, s2, s3, ADAM, 0.001f, 2);
                backend.adamwUpdate(x, d, s1, s2, s3, ADAM, 0.001f, 2);
                backend.sumOfSquares(d);
                backend.scale(d, 1f);
                backend.clamp(d, -1f, 1f);
            };
            for (int i = 0; i < 2000; i++) {
                all.run();   // warm up: class loading, JIT, the switch maps
            }
            long before = threads.getThreadAllocatedBytes(id);
            long empty = threads.getThreadAllocatedBytes(id) - before;   // the probe's own cost
            before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100; i++) {
                all.run();
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before - empty;
            assertEquals(0, allocated, "bytes allocated by 100 rounds of every kernel");
        }
    }

    private static final Activation[] ACTS = {Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
        Activation.leakyRelu(0.01f), Activation.elu(1f), Activation.GELU, Activation.SOFTPLUS, Activation.SOFTMAX};
    private static final Loss[] LOSSES = {Loss.MSE, Loss.L1, Loss.huber(1f), Loss.BCE, Loss.BCE_WITH_LOGITS};
    private static final SgdConfig SGD = SgdConfig.of(0.01f).withMomentum(0.9f).withNesterov(true).withWeightDecay(0.01f);
    private static final AdagradConfig ADAGRAD = AdagradConfig.of(0.01f).withLrDecay(0.1f);
    private static final RmspropConfig RMSPROP = RmspropConfig.of(0.01f).withMomentum(0.5f).withCentered(true);
    private static final AdamConfig ADAM = AdamConfig.adam(0.001f).withAmsgrad(true).withWeightDecay(0.01f);
}
