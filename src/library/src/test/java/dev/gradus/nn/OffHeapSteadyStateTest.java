// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Off-heap memory does not grow in steady state: 10,000 native training steps (the last batch of
 * each "epoch" smaller, as in real data) leave JavaCPP's count of allocated native bytes exactly
 * where it was after the first steps, and closing the network gives all of it back.
 */
class OffHeapSteadyStateTest {

    static {   // the native library's one-time allocations (loading, its first call) happen before any count
        try (Network warm = Network.mlp(new NativeBackend(), new int[] {2, 2}, Activation.RELU, Loss.CROSS_ENTROPY, 1);
             Optimizer opt = new Sgd(warm, SgdConfig.of(0.1f)); Tensor x = Tensor.allocate(1, 2); Labels y = Labels.allocate(1)) {
            step(warm, opt, x, y);
        }
    }

    @Test
    void tenThousandStepsAllocateNoNativeMemory() {
        run(() -> Network.mlp(new NativeBackend(), new int[] {20, 32, 5}, Activation.RELU, Loss.CROSS_ENTROPY, 1));
    }

    @Test
    void tenThousandConvolutionalStepsAllocateNoNativeMemory() {
        run(() -> new Network(new NativeBackend(), Shape.image(5, 2, 2), java.util.List.of(new Conv2dSpec(5, 3, 2, 1, 1),
                new ActivationSpec(Activation.RELU), Pool2dSpec.max(2), new FlattenSpec(), new DenseSpec(3, 5)),
                Loss.CROSS_ENTROPY, 1));
    }

    private static void run(java.util.function.Supplier<Network> network) {
        SplittableRandom rnd = new SplittableRandom(1);
        long before = Pointer.totalBytes();
        long afterWarmUp;
        try (Network net = network.get();
             Optimizer opt = new Sgd(net, SgdConfig.of(0.05f).withMomentum(0.9f));
             Tensor x = Tensor.allocate(16, 20);
             Labels y = Labels.allocate(16)) {
            for (int i = 0; i < x.size(); i++) {
                x.set(i, (float) rnd.nextDouble(-1, 1));
            }
            for (int i = 0; i < y.length(); i++) {
                y.set(i, rnd.nextInt(5));
            }
            Tensor partialX = x.rows(0, 7);
            Labels partialY = y.range(0, 7);
            step(net, opt, x, y);
            step(net, opt, partialX, partialY);   // both batch sizes cached
            afterWarmUp = Pointer.totalBytes();
            for (int s = 0; s < 10_000; s++) {
                boolean last = s % 10 == 9;
                step(net, opt, last ? partialX : x, last ? partialY : y);
            }
            assertEquals(afterWarmUp, Pointer.totalBytes(), "native bytes allocated during 10,000 steady-state steps");
        }
        assertEquals(before, Pointer.totalBytes(), "native bytes still allocated after closing everything");
    }

    private static void step(Network net, Optimizer opt, Tensor x, Labels y) {
        net.zeroGrad();
        net.forward(x, y);
        net.backward();
        opt.step();
    }
}
