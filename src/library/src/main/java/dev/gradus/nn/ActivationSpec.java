// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An elementwise activation, or softmax over each sample's values (its last dimension when flat);
 * no parameters; any shape.
 */
public record ActivationSpec(Activation activation) implements LayerSpec {
    public ActivationSpec {
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null");
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        if (activation.kind() == Activation.Kind.SOFTMAX && in.isImage()) {
            throw new IllegalArgumentException("softmax takes flat samples, got " + in + " (put a flatten before it)");
        }
        return in;
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        return Map.of();
    }

    @Override
    public void initialize(List<float[]> values, SplittableRandom rng) {
        // no parameters
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", activation.label());
        if (activation.kind() == Activation.Kind.LEAKY_RELU) {
            o.put("slope", activation.param());
        } else if (activation.kind() == Activation.Kind.ELU) {
            o.put("alpha", activation.param());
        }
        return o;
    }

    @Override
    public double[] evaluate(double[] z, int n, Shape in, List<double[]> params, double[] mask) {
        double[] y = new double[z.length];
        int width = in.size();
        if (activation.kind() == Activation.Kind.SOFTMAX) {
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
        double q = activation.param();
        for (int k = 0; k < z.length; k++) {
            double v = z[k];
            y[k] = switch (activation.kind()) {
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
        // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated backwards
        double f = ax;
        for (int k = 60; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.signum(x) * (1 - erfc);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.activation(this);
    }

    @Override
    public String describe() {
        return activation.toString();
    }
}
