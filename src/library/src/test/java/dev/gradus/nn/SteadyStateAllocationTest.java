// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.GradientClipping;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A steady-state training step (zeroGrad, forward, backward, clipping, optimizer step) allocates nothing
 * on the Java heap in the model and optimizer code: measured with the thread's allocation counter
 * around many steps, on a backend that computes nothing (so only our code is measured).
 */
class SteadyStateAllocationTest {
    private static final int STEPS = 20_000;
    // the allocation counter itself is exact; the allowance covers a rare one-off allocation by the JVM
    // in this thread (e.g. deoptimization), far below one byte per step
    private static final long ALLOWED_BYTES = 4096;

    @Test
    void trainingStepAllocatesNothing() {
        Backend b = new NoOpBackend();
        List<LayerSpec> specs = List.of(new DenseSpec(8, 16), new ActivationSpec(Activation.RELU),
                new DropoutSpec(0.2f), new DenseSpec(16, 16), new DenseSpec(16, 4));
        try (Network net = new Network(b, specs, Loss.CROSS_ENTROPY, 1);
             Optimizer opt = new Adam(net, AdamConfig.adam(1e-3f));
             Tensor x = Tensor.allocate(32, 8);
             Labels y = Labels.allocate(32)) {
            GradientClipping clip = GradientClipping.byNorm(1f);
            Runnable step = () -> {
                net.zeroGrad();
                net.forward(x, y);
                net.backward();
                clip.apply(b, net.gradientBuffer());
                opt.step();
            };
            long bytes = measure(step);
            assertTrue(bytes <= ALLOWED_BYTES, STEPS + " training steps allocated " + bytes + " bytes on the heap");
        }
    }

    @Test
    void aConvolutionalTrainingStepAllocatesNothing() {
        Backend b = new NoOpBackend();
        List<LayerSpec> specs = List.of(new Conv2dSpec(2, 3, 3, 1, 1), new ActivationSpec(Activation.RELU),
                Pool2dSpec.max(2), new Conv2dSpec(3, 4, 1), Pool2dSpec.avg(2), new FlattenSpec(), new DenseSpec(16, 3));
        try (Network net = new Network(b, Shape.image(2, 8, 8), specs, Loss.CROSS_ENTROPY, 1);
             Optimizer opt = new Sgd(net, SgdConfig.of(0.1f).withMomentum(0.9f));
             Tensor x = Tensor.allocate(16, 128);
             Labels y = Labels.allocate(16)) {
            Runnable step = () -> {
                net.zeroGrad();
                net.forward(x, y);
                net.backward();
                opt.step();
            };
            long bytes = measure(step);
            assertTrue(bytes <= ALLOWED_BYTES, STEPS + " CNN training steps allocated " + bytes + " bytes on the heap");
        }
    }

    @Test
    void alternatingBatchSizesAllocateNothingOnceCached() {
        Backend b = new NoOpBackend();
        try (Network net = Network.mlp(b, new int[] {8, 16, 3}, Activation.TANH, Loss.MSE, 1);
             Optimizer opt = new Sgd(net, SgdConfig.of(0.1f).withMomentum(0.9f));
             Tensor x = Tensor.allocate(32, 8);
             Tensor t = Tensor.allocate(32, 3);
             Tensor xs = Tensor.allocate(7, 8);
             Tensor ts = Tensor.allocate(7, 3)) {
            Runnable step = () -> {
                net.zeroGrad();
                net.forward(x, t);
                net.backward();
                opt.step();
                net.zeroGrad();
                net.forward(xs, ts);   // the last, partial batch of an epoch
                net.backward();
                opt.step();
                net.predict(xs);
            };
            long bytes = measure(step);
            assertTrue(bytes <= ALLOWED_BYTES, STEPS + " step pairs allocated " + bytes + " bytes on the heap");
        }
    }

    @Test
    void predictionsAllocateOnlyTheReturnedArrays() {
        Backend b = new NoOpBackend();
        List<LayerSpec> specs = List.of(new DenseSpec(8, 16), new ActivationSpec(Activation.RELU),
                new DropoutSpec(0.2f), new DenseSpec(16, 4));
        try (Network net = new Network(b, specs, Loss.CROSS_ENTROPY, 1);
             Predictor p = net.predictor(List.of("a", "b", "c", "d"))) {
            float[] x = new float[8];
            float[] into = new float[4];
            long bytes = measure(() -> {
                p.predictInto(x, into);
                p.predictClassIndex(x);
                p.predictClass(x);
            });
            assertTrue(bytes <= ALLOWED_BYTES, STEPS + " x 3 predictions into buffers allocated " + bytes + " bytes");
            float[][] xs = new float[5][8];
            float[][] outs = new float[5][4];
            bytes = measure(() -> p.predictInto(xs, outs));
            assertTrue(bytes <= ALLOWED_BYTES, STEPS + " batch predictions into buffers allocated " + bytes + " bytes");
            long perArray = 16 + 4 * 4;   // a float[4]: its header and values
            bytes = measure(() -> p.predict(x));
            assertTrue(bytes <= STEPS * perArray + ALLOWED_BYTES, STEPS + " predictions allocated " + bytes
                    + " bytes, more than their returned arrays (" + perArray + " bytes each)");
        }
    }

    private static long measure(Runnable step) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < STEPS; i++) {
            step.run();   // warm-up: workspaces allocated, code compiled
        }
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < STEPS; i++) {
            step.run();
        }
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
