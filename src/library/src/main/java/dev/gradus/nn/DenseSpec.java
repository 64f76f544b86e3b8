// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fully connected layer {@code y = x·Wᵀ + b} with weight {@code [out, in]} and bias {@code [out]}
 * (as {@code torch.nn.Linear}), initialized by {@code init}. It takes flat samples {@code (in)}.
 */
public record DenseSpec(int in, int out, Init init) implements LayerSpec {
    public DenseSpec {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("dense layer sizes must be >= 1, got in=" + in + ", out=" + out);
        }
        if (init == null) {
            throw new IllegalArgumentException("dense layer init must not be null (use Init.TORCH_DEFAULT)");
        }
    }

    /** With PyTorch's default initialization for {@code nn.Linear}. */
    public DenseSpec(int in, int out) {
        this(in, out, Init.TORCH_DEFAULT);
    }

    /** Weights plus biases: {@code out·in + out}. */
    public long parameterCount() {
        return (long) out * in + out;
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.isImage() || input.size() != in) {
            throw new IllegalArgumentException(describe() + " takes samples [" + in + "], got " + input
                    + (input.isImage() ? " (put a flatten before it)" : ""));
        }
        return Shape.flat(out);
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("weight", new long[] {out, in});
        shapes.put("bias", new long[] {out});
        return shapes;
    }

    @Override
    public void initialize(List<float[]> values, SplittableRandom rng) {
        init.fill(values.get(0), values.get(1), in, out, rng);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "dense");
        o.put("in", in);
        o.put("out", out);
        o.put("init", init.label());
        return o;
    }

    @Override
    public double[] evaluate(double[] x, int n, Shape input, List<double[]> params, double[] mask) {
        double[] w = params.get(0);
        double[] b = params.get(1);
        double[] z = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double sum = b[o];
                for (int c = 0; c < in; c++) {
                    sum += x[r * in + c] * w[o * in + c];
                }
                z[r * out + o] = sum;
            }
        }
        return z;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.dense(this);
    }

    @Override
    public String describe() {
        return "dense(" + in + " -> " + out + ")";
    }
}
