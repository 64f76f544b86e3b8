// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Back-propagation against central finite differences of the loss, for the whole network: every
 * activation, every loss, dense layers (fused and unfused bias), dropout with its mask held fixed,
 * conv2d (stride, padding, dilation, no bias), max and average pooling (both divisors), flatten,
 * batchnorm (1d and 2d, training and eval mode) and layernorm (flat and image trailing shapes).
 * The differences are taken in double precision on an independent double evaluation of the same
 * network ({@link DoubleEvaluator}), which first must agree with the network's own float loss.
 */
class GradientCheckTest {
    private static final double H = 1e-6;          // double-precision step: truncation ~h², rounding ~1e-16/h
    private static final double ATOL = 1e-5;       // PyTorch gradcheck's defaults; the analytic side is float32,
    private static final double RTOL = 1e-3;       // accurate to ~1e-6 relative, well inside them
    private static final double LOSS_RTOL = 1e-5;  // float32 forward vs double forward of the same function
    private static final int N = 3;

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        Activation[] acts = {Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.1f), Activation.elu(1.0f), Activation.GELU, Activation.SOFTPLUS,
                Activation.SOFTMAX};
        for (Activation a : acts) {
            cases.add(Arguments.of("activation " + a, List.of(new DenseSpec(4, 5), new ActivationSpec(a),
                    new DenseSpec(5, 3)), Loss.MSE));
        }
        for (Loss l : new Loss[] {Loss.MSE, Loss.L1, Loss.huber(0.3f), Loss.BCE_WITH_LOGITS, Loss.CROSS_ENTROPY}) {
            cases.add(Arguments.of("loss " + l, List.of(new DenseSpec(4, 6), new ActivationSpec(Activation.TANH),
                    new DenseSpec(6, 3)), l));
        }
        cases.add(Arguments.of("loss bce", List.of(new DenseSpec(4, 6), new ActivationSpec(Activation.TANH),
                new DenseSpec(6, 3), new ActivationSpec(Activation.SIGMOID)), Loss.BCE));
        cases.add(Arguments.of("dropout after an activation", List.of(new DenseSpec(4, 8),
                new ActivationSpec(Activation.RELU), new DropoutSpec(0.3f), new DenseSpec(8, 3)), Loss.CROSS_ENTROPY));
        cases.add(Arguments.of("dropout first, dense after dense, activations after dropout", List.of(
                new DropoutSpec(0.2f), new DenseSpec(4, 6), new DenseSpec(6, 5), new ActivationSpec(Activation.TANH),
                new DropoutSpec(0.5f), new ActivationSpec(Activation.SIGMOID), new ActivationSpec(Activation.GELU),
                new DenseSpec(5, 3)), Loss.MSE));
        cases.add(Arguments.of("activation first", List.of(new ActivationSpec(Activation.TANH), new DenseSpec(4, 3),
                new ActivationSpec(Activation.elu(0.7f))), Loss.huber(1f)));
        List<Arguments> all = new ArrayList<>();
        for (Arguments a : cases) {
            all.add(Arguments.of(a.get()[0], a.get()[1], a.get()[2], null));
        }
        Activation relu = Activation.RELU;
        all.add(Arguments.of("conv2d 3x3 padding 1, relu, maxpool 2, flatten, dense", List.of(
                new Conv2dSpec(2, 3, 3, 1, 1), new ActivationSpec(relu), Pool2dSpec.max(2), new FlattenSpec(),
                new DenseSpec(27, 4)), Loss.CROSS_ENTROPY, Shape.image(2, 6, 6)));
        all.add(Arguments.of("conv2d 3x2 stride 2x1 dilation 2 no bias, avgpool padded (real elements only)", List.of(
                new Conv2dSpec(3, 2, 3, 2, 2, 1, 1, 0, 2, 2, false, Init.TORCH_DEFAULT), new ActivationSpec(Activation.TANH),
                new Pool2dSpec(false, 3, 3, 2, 2, 1, 1, false), new FlattenSpec(), new DenseSpec(12, 3)),
                Loss.MSE, Shape.image(3, 9, 8)));
        all.add(Arguments.of("conv2d 1x1, avgpool padded (count_include_pad), conv2d stride 3, maxpool padded", List.of(
                new Conv2dSpec(1, 4, 1), new Pool2dSpec(false, 2, 2, 1, 1, 1, 1, true),
                new Conv2dSpec(4, 3, 2, 3, 0), new ActivationSpec(Activation.GELU),
                new Pool2dSpec(true, 2, 2, 1, 1, 1, 1, false), new FlattenSpec(), new DenseSpec(48, 2)),
                Loss.BCE_WITH_LOGITS, Shape.image(1, 7, 7)));
        all.add(Arguments.of("pooling first, conv2d last (no flatten)", List.of(
                Pool2dSpec.max(2), new Conv2dSpec(2, 2, 3, 1, 1)), Loss.huber(0.5f), Shape.image(2, 6, 4)));
        return all.stream();
    }

    /** Normalization layers, in training mode (batch statistics) and eval mode (running statistics as constants). */
    static Stream<Arguments> normNetworks() {
        List<Arguments> all = new ArrayList<>();
        List<LayerSpec> bn1d = List.of(new DenseSpec(4, 5), BatchNormSpec.of1d(5), new ActivationSpec(Activation.TANH),
                new DenseSpec(5, 3));
        List<LayerSpec> bn2d = List.of(new Conv2dSpec(2, 3, 3, 1, 1), new BatchNormSpec(true, 3, 1e-3, 0.3),
                new ActivationSpec(Activation.RELU), Pool2dSpec.max(2), new FlattenSpec(), new DenseSpec(18, 4));
        List<LayerSpec> bnFirst = List.of(BatchNormSpec.of2d(2), new Conv2dSpec(2, 2, 2), BatchNormSpec.of2d(2),
                new FlattenSpec(), new DenseSpec(18, 2));
        List<LayerSpec> ln = List.of(new DenseSpec(4, 6), LayerNormSpec.of(6), new ActivationSpec(Activation.GELU),
                new DenseSpec(6, 3));
        List<LayerSpec> lnImage = List.of(new Conv2dSpec(2, 3, 3, 1, 1), new LayerNormSpec(List.of(3, 6, 4), 1e-4),
                new ActivationSpec(Activation.TANH), LayerNormSpec.of(4), new FlattenSpec(), new DenseSpec(72, 2));
        for (boolean training : new boolean[] {true, false}) {
            String mode = training ? " (training)" : " (eval)";
            all.add(Arguments.of("dense, batchnorm1d, tanh, dense" + mode, bn1d, Loss.CROSS_ENTROPY, null, training));
            all.add(Arguments.of("conv2d, batchnorm2d (eps, momentum), relu, maxpool, dense" + mode, bn2d, Loss.MSE,
                    Shape.image(2, 6, 4), training));
            all.add(Arguments.of("batchnorm2d first, conv2d, batchnorm2d on 3x3 planes" + mode, bnFirst, Loss.huber(0.5f),
                    Shape.image(2, 4, 4), training));
        }
        all.add(Arguments.of("dense, layernorm [6], gelu, dense", ln, Loss.MSE, null, true));
        all.add(Arguments.of("conv2d, layernorm [C, H, W], tanh, layernorm [W], dense", lnImage, Loss.BCE_WITH_LOGITS,
                Shape.image(2, 6, 4), true));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void backpropMatchesFiniteDifferences(String name, List<LayerSpec> specs, Loss loss, Shape input) {
        for (Backend backend : TestBackends.all()) {
            check(backend, specs, loss, input, true);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normNetworks")
    void normalizationBackpropMatchesFiniteDifferences(String name, List<LayerSpec> specs, Loss loss, Shape input,
                                                       boolean training) {
        for (Backend backend : TestBackends.all()) {
            check(backend, specs, loss, input, training);
        }
    }

    private static void check(Backend backend, List<LayerSpec> specs, Loss loss, Shape input, boolean training) {
        SplittableRandom rng = new SplittableRandom(7);
        try (Network net = input == null ? new Network(backend, specs, loss, 11)
                : new Network(backend, input, specs, loss, 11)) {
            net.train(training);
            List<List<double[]>> buffers = training ? null : randomRunningStatistics(net, rng);
            int in = net.inFeatures();
            int out = net.outFeatures();
            double[] x = uniform(rng, N * in, -1.5, 1.5);
            double[] target = loss.kind() == Loss.Kind.BCE || loss.kind() == Loss.Kind.BCE_WITH_LOGITS
                    ? uniform(rng, N * out, 0, 1) : uniform(rng, N * out, -1, 1);
            int[] labels = new int[N];
            for (int r = 0; r < N; r++) {
                labels[r] = rng.nextInt(out);
            }
            try (Tensor xt = Tensor.of(N, in, floats(x));
                 Tensor tt = Tensor.of(N, out, floats(target));
                 Labels lt = Labels.of(labels)) {
                // the target/labels the float network actually used, widened exactly
                double[] targetUsed = toDouble(tt.toArray());
                double[] xUsed = toDouble(xt.toArray());
                net.zeroGrad();
                float netLoss = loss.usesLabels() ? net.forward(xt, lt) : net.forward(xt, tt);
                net.backward();
                double[] analytic = toDouble(net.gradientBuffer().toArray());
                double[][] masks = new double[specs.size()][];
                for (int i = 0; i < specs.size(); i++) {
                    Tensor mask = net.dropoutMask(i);
                    masks[i] = mask == null ? null : toDouble(mask.toArray());
                }
                DoubleEvaluator eval = new DoubleEvaluator(net.inputShape(), specs, loss, masks, buffers);
                double[] p = toDouble(net.parameterBuffer().toArray());
                double base = eval.loss(p, xUsed, N, targetUsed, labels);
                assertTrue(Math.abs(base - netLoss) <= LOSS_RTOL * Math.abs(base) + 1e-7,
                        backend.name() + ": network loss " + netLoss + " differs from its double evaluation " + base);
                compare(backend, net, analytic, numeric(eval, p, xUsed, targetUsed, labels));
            }
        }
    }

    /** Sets every running statistic to a random value (not PyTorch's 0 and 1); returns them per layer, for the evaluator. */
    private static List<List<double[]>> randomRunningStatistics(Network net, SplittableRandom rng) {
        List<List<double[]>> perLayer = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) {
            perLayer.add(new ArrayList<>());
        }
        for (Buffer b : net.buffers()) {
            int layer = Integer.parseInt(b.name().substring(0, b.name().indexOf('.')));
            if (b.isCounter()) {
                perLayer.get(layer).add(new double[] {b.count()});
                continue;
            }
            boolean var = b.name().endsWith("running_var");
            double[] v = uniform(rng, b.value().size(), var ? 0.3 : -0.5, var ? 2 : 0.5);
            b.value().copyFrom(floats(v));
            perLayer.get(layer).add(toDouble(b.value().toArray()));
        }
        return perLayer;
    }

    private static double[] numeric(DoubleEvaluator eval, double[] p, double[] x, double[] t, int[] labels) {
        double[] g = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            double keep = p[j];
            p[j] = keep + H;
            double plus = eval.loss(p, x, N, t, labels);
            p[j] = keep - H;
            double minus = eval.loss(p, x, N, t, labels);
            p[j] = keep;
            g[j] = (plus - minus) / (2 * H);
        }
        return g;
    }

    private static void compare(Backend backend, Network net, double[] analytic, double[] numeric) {
        int worst = -1;
        double worstExcess = 0;
        for (int j = 0; j < analytic.length; j++) {
            double excess = Math.abs(analytic[j] - numeric[j]) - (ATOL + RTOL * Math.abs(numeric[j]));
            if (!(excess <= worstExcess) || (worst < 0 && excess > 0)) {
                worst = j;
                worstExcess = excess;
            }
        }
        if (worst >= 0 && !(worstExcess <= 0)) {
            fail(backend.name() + ": worst gradient element " + worst + " (" + nameOf(net, worst) + "): backprop "
                    + analytic[worst] + ", finite differences " + numeric[worst]);
        }
    }

    private static String nameOf(Network net, int j) {
        for (Parameter p : net.parameters()) {
            if (j >= p.offset() && j < p.offset() + p.value().size()) {
                return p.name() + "[" + (j - p.offset()) + "]";
            }
        }
        return "?";
    }

    private static double[] uniform(SplittableRandom rng, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return a;
    }

    private static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
