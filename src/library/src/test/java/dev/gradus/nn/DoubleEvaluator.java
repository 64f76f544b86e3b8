// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent, plain double-precision evaluation of a network's loss (no backend, no Tensor): the
 * function that finite differences differentiate in {@link GradientCheckTest}. Parameters are read from a
 * flat array laid out as {@link Network#parameterBuffer()}; each layer computes by its own
 * {@link LayerSpec#evaluate} (training mode) or {@link LayerSpec#evaluateInference} (eval mode, with the
 * network's buffers); dropout layers multiply by given masks (null: none).
 */
final class DoubleEvaluator {
    private final Shape input;
    private final List<LayerSpec> specs;
    private final Loss loss;
    private final double[][] masks;   // per layer, null for non-dropout layers
    private final List<List<double[]>> buffers;   // per layer, in eval mode; null in training mode

    DoubleEvaluator(Shape input, List<LayerSpec> specs, Loss loss, double[][] masks) {
        this(input, specs, loss, masks, null);
    }

    /** In eval mode when {@code buffers} (each layer's, in bufferShapes order) is not null: batchnorm's running statistics. */
    DoubleEvaluator(Shape input, List<LayerSpec> specs, Loss loss, double[][] masks, List<List<double[]>> buffers) {
        this.input = input;
        this.specs = specs;
        this.loss = loss;
        this.masks = masks;
        this.buffers = buffers;
    }

    /** The mean loss for x (n rows) against target (float loss) or labels (cross-entropy). */
    double loss(double[] p, double[] x, int n, double[] target, int[] labels) {
        double[] a = x.clone();
        Shape shape = input;
        int offset = 0;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            List<double[]> params = new ArrayList<>();
            for (long[] dims : s.parameterShapes().values()) {
                int size = (int) Layout.product(dims);
                params.add(Arrays.copyOfRange(p, offset, offset + size));
                offset += size;
            }
            a = buffers == null ? s.evaluate(a, n, shape, params, masks[i])
                    : s.evaluateInference(a, n, shape, params, buffers.get(i));
            shape = s.outputShape(shape);
        }
        return lossOf(a, n, shape.size(), target, labels);
    }

    private double lossOf(double[] a, int n, int width, double[] t, int[] labels) {
        double sum = 0;
        if (loss.usesLabels()) {
            for (int r = 0; r < n; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < width; c++) {
                    max = Math.max(max, a[r * width + c]);
                }
                double s = 0;
                for (int c = 0; c < width; c++) {
                    s += Math.exp(a[r * width + c] - max);
                }
                sum += max + Math.log(s) - a[r * width + labels[r]];
            }
            return sum / n;
        }
        double delta = loss.delta();
        for (int k = 0; k < a.length; k++) {
            double p = a[k];
            double d = Math.abs(p - t[k]);
            sum += switch (loss.kind()) {
                case MSE -> d * d;
                case L1 -> d;
                case HUBER -> d < delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
                case BCE -> -(t[k] * Math.max(Math.log(p), -100) + (1 - t[k]) * Math.max(Math.log(1 - p), -100));
                case BCE_WITH_LOGITS -> Math.max(p, 0) - p * t[k] + Math.log1p(Math.exp(-Math.abs(p)));
                case CROSS_ENTROPY -> throw new AssertionError();
            };
        }
        return sum / a.length;
    }
}
