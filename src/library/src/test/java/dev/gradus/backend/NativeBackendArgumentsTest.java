// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every NativeBackend entry point rejects a wrong shape, a closed tensor and forbidden aliasing (and
 * a bad label, p or lr) with the documented exception before any native call, and the JVM lives on:
 * after all of them, a real call still computes the right answer.
 */
class NativeBackendArgumentsTest {
    static final Backend B = new NativeBackend();

    /**
     * A method called on tensors t[0..4] (4×3) and t[5] (1×3); {@code uses} lists the ones it reads or
     * writes, {@code alias} an (output, input) pair that must not partly overlap, or null when it has no output.
     */
    record Call(String name, int[] uses, int[] alias, Consumer<Tensor[]> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final SgdConfig SGD = SgdConfig.of(0.1f).withMomentum(0.9f);
    static final AdagradConfig ADAGRAD = AdagradConfig.of(0.1f);
    static final RmspropConfig RMS = RmspropConfig.of(0.1f).withMomentum(0.9f).withCentered(true);
    static final AdamConfig ADAM = AdamConfig.adam(0.1f).withAmsgrad(true);

    /** Each method, called on t[0..4] (all 4×3) and t[5] (1×3), with valid defaults otherwise. */
    static List<Call> calls() {
        List<Call> c = new ArrayList<>();
        c.add(new Call("gemm", new int[] {0, 1, 2}, new int[] {0, 1}, t -> B.gemm(t[0], t[1], Transpose.NO, t[2], Transpose.YES, 1f, 0f)));
        c.add(new Call("activationForward", new int[] {0, 1, 5}, new int[] {0, 1}, t -> B.activationForward(Activation.GELU, t[0], t[1], t[5])));
        c.add(new Call("activationBackward", new int[] {0, 1, 2, 3, 5}, new int[] {0, 1}, t -> B.activationBackward(Activation.TANH, t[0], t[1], t[2], t[3], t[5])));
        c.add(new Call("biasAdd", new int[] {0, 5}, new int[] {5, 0}, t -> B.biasAdd(t[0], t[5])));
        c.add(new Call("columnSums", new int[] {0, 5}, new int[] {5, 0}, t -> B.columnSums(t[5], t[0])));
        c.add(new Call("lossForward", new int[] {0, 1}, null, t -> B.lossForward(Loss.MSE, t[0], t[1])));
        c.add(new Call("lossBackward", new int[] {0, 1, 2}, new int[] {0, 1}, t -> B.lossBackward(Loss.BCE, t[0], t[1], t[2])));
        c.add(new Call("dropoutForward", new int[] {0, 1, 2}, new int[] {0, 2}, t -> B.dropoutForward(t[0], t[1], t[2], 0.5f, 7L)));
        c.add(new Call("dropoutBackward", new int[] {0, 1, 2}, new int[] {0, 1}, t -> B.dropoutBackward(t[0], t[1], t[2])));
        c.add(new Call("sgdUpdate", new int[] {0, 1, 2}, new int[] {0, 1}, t -> B.sgdUpdate(t[0], t[1], t[2], SGD, 0.1f, 1)));
        c.add(new Call("adagradUpdate", new int[] {0, 1, 2}, new int[] {0, 1}, t -> B.adagradUpdate(t[0], t[1], t[2], ADAGRAD, 0.1f, 1)));
        c.add(new Call("rmspropUpdate", new int[] {0, 1, 2, 3, 4}, new int[] {0, 1}, t -> B.rmspropUpdate(t[0], t[1], t[2], t[3], t[4], RMS, 0.1f, 1)));
        c.add(new Call("adamUpdate", new int[] {0, 1, 2, 3, 4}, new int[] {0, 1}, t -> B.adamUpdate(t[0], t[1], t[2], t[3], t[4], ADAM, 0.1f, 1)));
        c.add(new Call("adamwUpdate", new int[] {0, 1, 2, 3, 4}, new int[] {0, 1}, t -> B.adamwUpdate(t[0], t[1], t[2], t[3], t[4], ADAM, 0.1f, 1)));
        c.add(new Call("sumOfSquares", new int[] {0}, null, t -> B.sumOfSquares(t[0])));
        c.add(new Call("scale", new int[] {0}, null, t -> B.scale(t[0], 2f)));
        c.add(new Call("clamp", new int[] {0}, null, t -> B.clamp(t[0], -1f, 1f)));
        c.add(new Call("zero", new int[] {0}, null, t -> B.zero(t[0])));
        return c;
    }

    /** The shapes each call is valid with: gemm's a is 4×3 and b is 3×3 (c = a·bᵀ is 4×3). */
    static Tensor[] valid(String name) {
        Tensor[] t = new Tensor[6];
        for (int i = 0; i < 5; i++) {
            t[i] = Tensor.allocate(4, 3).fill(0.5f);
        }
        if (name.equals("gemm")) {
            t[2] = Tensor.allocate(3, 3);
        }
        t[5] = Tensor.allocate(1, 3);
        return t;
    }

    static Stream<Arguments> each() {
        return calls().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("each")
    void validCallsRun(Call call) {
        Tensor[] t = valid(call.name());
        call.run().accept(t);
        close(t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("each")
    void closedTensorThrowsIllegalState(Call call) {
        for (int i : call.uses()) {
            Tensor[] t = valid(call.name());
            t[i].close();
            assertThrows(IllegalStateException.class, () -> call.run().accept(t), call + " with tensor " + i + " closed");
            close(t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("each")
    void wrongShapeThrowsIllegalArgument(Call call) {
        if (call.name().matches("sumOfSquares|scale|clamp|zero")) {
            return;   // any shape is valid: they work on all elements
        }
        Tensor[] t = valid(call.name());
        int victim = call.uses()[1];
        t[victim].close();
        t[victim] = victim == 5 ? Tensor.allocate(1, 4) : Tensor.allocate(5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.run().accept(t), call.name());
        assertTrue(e.getMessage().contains("["), "the message names the shapes: " + e.getMessage());
        close(t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("each")
    void forbiddenAliasingThrowsIllegalArgument(Call call) {
        if (call.alias() == null) {
            return;   // no output: inputs may overlap freely
        }
        try (Tensor big = Tensor.allocate(20, 3)) {
            Tensor[] t = valid(call.name());
            int out = call.alias()[0], in = call.alias()[1];
            // a view of the input's shape that shares exactly one element with the output's view
            Tensor o = big.view(0, t[out].rows(), t[out].cols());
            Tensor i = big.view(o.size() - 1, t[in].rows(), t[in].cols());
            t[out].close();
            t[in].close();
            t[out] = o;
            t[in] = i;
            assertThrows(IllegalArgumentException.class, () -> call.run().accept(t), call.name());
            close(t);
        }
    }

    @Test
    void badLabelsProbabilityAndLearningRateThrow() {
        try (Tensor logits = Tensor.allocate(2, 3); Tensor d = Tensor.allocate(2, 3); Tensor m = Tensor.allocate(2, 3);
             Tensor p = Tensor.allocate(1, 4); Tensor g = Tensor.allocate(1, 4); Tensor s = Tensor.allocate(1, 4);
             Tensor s2 = Tensor.allocate(1, 4);
             Labels bad = Labels.of(0, 3); Labels negative = Labels.of(-1, 0); Labels tooFew = Labels.of(0)) {
            List<Executable> calls = List.of(
                    () -> B.crossEntropyForward(logits, bad),
                    () -> B.crossEntropyForward(logits, negative),
                    () -> B.crossEntropyForward(logits, tooFew),
                    () -> B.crossEntropyBackward(d, logits, bad),
                    () -> B.crossEntropyBackward(logits, logits, Labels.of(0, 1)),   // dlogits aliases logits
                    () -> B.dropoutForward(d, m, logits, 1f, 1),
                    () -> B.dropoutForward(d, m, logits, -0.1f, 1),
                    () -> B.dropoutForward(d, m, logits, Float.NaN, 1),
                    () -> B.sgdUpdate(p, g, null, SgdConfig.of(0.1f), Float.NaN, 1),
                    () -> B.sgdUpdate(p, g, null, SgdConfig.of(0.1f), -1f, 1),
                    () -> B.sgdUpdate(p, g, null, SgdConfig.of(0.1f), 0.1f, 0),        // step counts from 1
                    () -> B.sgdUpdate(p, g, null, SGD, 0.1f, 1),                        // momentum needs its buffer
                    () -> B.adagradUpdate(p, g, s, ADAGRAD, Float.POSITIVE_INFINITY, 1),
                    () -> B.rmspropUpdate(p, g, s, null, null, RMS, 0.1f, 1),
                    () -> B.adamUpdate(p, g, s, s2, null, ADAM, 0.1f, 1),               // amsgrad needs its buffer
                    () -> B.adamwUpdate(p, g, s, s, null, AdamConfig.adamw(0.1f), 0.1f, 1),   // state aliasing
                    () -> B.clamp(p, 1f, -1f),
                    () -> B.lossForward(Loss.CROSS_ENTROPY, d, m),
                    () -> B.gemm(d, logits, null, m, Transpose.NO, 1f, 0f));
            for (int i = 0; i < calls.size(); i++) {
                assertThrows(IllegalArgumentException.class, calls.get(i), "call " + i);
            }
            Labels closed = Labels.of(0, 1);
            closed.close();
            assertThrows(IllegalStateException.class, () -> B.crossEntropyForward(logits, closed));
        }
        // the JVM and the library still work
        try (Tensor x = Tensor.of(1, 3, 1f, 2f, 2f)) {
            assertEquals(9.0, B.sumOfSquares(x), 0.0);
        }
    }

    static void close(Tensor[] t) {
        for (Tensor x : t) {
            if (x != null) {
                x.close();
            }
        }
    }
}
