// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import dev.gradus.Loss;
import java.util.List;

/**
 * An independent, plain double-precision evaluation of a network's loss (no backend, no Tensor): the
 * function that finite differences differentiate in {@link GradientCheckTest}. Parameters are read from a
 * flat array laid out as {@link Network#parameterBuffer()}; dropout layers multiply by given masks.
 */
final class DoubleEvaluator {
    private final List<LayerSpec> specs;
    private final Loss loss;
    private final double[][] masks;   // per layer, null for non-dropout layers

    DoubleEvaluator(List<LayerSpec> specs, Loss loss, double[][] masks) {
        this.specs = specs;
        this.loss = loss;
        this.masks = masks;
    }

    /** The mean loss for x (n rows) against target (float loss) or labels (cross-entropy). */
    double loss(double[] p, double[] x, int n, double[] target, int[] labels) {
        double[] a = x.clone();
        int width = x.length / n;
        int offset = 0;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            if (s instanceof DenseSpec d) {
                double[] z = new double[n * d.out()];
                int bias = offset + d.out() * d.in();
                for (int r = 0; r < n; r++) {
                    for (int o = 0; o < d.out(); o++) {
                        double sum = p[bias + o];
                        for (int c = 0; c < d.in(); c++) {
                            sum += a[r * d.in() + c] * p[offset + o * d.in() + c];
                        }
                        z[r * d.out() + o] = sum;
                    }
                }
                offset = bias + d.out();
                a = z;
                width = d.out();
            } else if (s instanceof ActivationSpec as) {
                a = activate(as.activation(), a, n, width);
            } else {
                for (int k = 0; k < a.length; k++) {
                    a[k] *= masks[i][k];
                }
            }
        }
        return lossOf(a, n, width, target, labels);
    }

    private static double[] activate(Activation act, double[] z, int n, int width) {
        double[] y = new double[z.length];
        if (act.kind() == Activation.Kind.SOFTMAX) {
            for (int r = 0; r < n; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < width; c++) {
                    max = Math.max(max, z[r * width + c]);
                }
                double sum = 0;
                for (int c = 0; c < width; c++) {
                    sum += Math.exp(z[r * width + c] - max);
                }
                for (int c = 0; c < width; c++) {
                    y[r * width + c] = Math.exp(z[r * width + c] - max) / sum;
                }
            }
            return y;
        }
        double q = act.param();
        for (int k = 0; k < z.length; k++) {
            double v = z[k];
            y[k] = switch (act.kind()) {
                case IDENTITY -> v;
                case SIGMOID -> 1 / (1 + Math.exp(-v));
                case TANH -> Math.tanh(v);
                case RELU -> Math.max(v, 0);
                case LEAKY_RELU -> v > 0 ? v : q * v;
                case ELU -> v > 0 ? v : q * Math.expm1(v);
                case GELU -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
                case SOFTPLUS -> v > 20 ? v : Math.log1p(Math.exp(v));
                case SOFTMAX -> throw new AssertionError();
            };
        }
        return y;
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

    /** erf to about 1e-15: Taylor series for |x| < 3, continued fraction for erfc beyond. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double term = x;
            double sum = x;
            for (int k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
                term *= -x * x / k;
                sum += term / (2 * k + 1);
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz-free backward evaluation)
        double f = ax;
        for (int k = 60; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.signum(x) * (1 - erfc);
    }
}
