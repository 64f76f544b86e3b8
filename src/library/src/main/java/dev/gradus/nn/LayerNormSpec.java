// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Layer normalization as {@code torch.nn.LayerNorm(normalized_shape)}: each sample's trailing
 * {@code normalizedShape} dims ({@code [F]}, or {@code [W]}, {@code [H, W]} or {@code [C, H, W]} of an
 * image) are normalized with their mean and biased variance, then scaled by {@code weight} γ and shifted
 * by {@code bias} β (both of {@code normalizedShape}, initialized to 1 and 0). The same in training and
 * eval mode; no buffers.
 */
public record LayerNormSpec(List<Integer> normalizedShape, double eps) implements LayerSpec {
    public static final double EPS = 1e-5;

    public LayerNormSpec {
        if (normalizedShape == null || normalizedShape.isEmpty() || normalizedShape.size() > 3
                || normalizedShape.stream().anyMatch(d -> d == null || d < 1) || !(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("layernorm(normalized_shape=" + normalizedShape + ", eps=" + eps
                    + "): normalized_shape must be 1 to 3 sizes >= 1, eps finite and > 0");
        }
        normalizedShape = List.copyOf(normalizedShape);
    }

    /** {@code nn.LayerNorm(dims)} with PyTorch's eps. */
    public static LayerNormSpec of(int... dims) {
        return new LayerNormSpec(java.util.Arrays.stream(dims).boxed().toList(), EPS);
    }

    /** Values normalized together: the product of normalizedShape. */
    int groupSize() {
        int d = 1;
        for (int v : normalizedShape) {
            d *= v;
        }
        return d;
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] dims = in.dims();
        int k = normalizedShape.size();
        boolean trailing = k <= dims.length;
        for (int j = 0; trailing && j < k; j++) {
            trailing = dims[dims.length - k + j] == normalizedShape.get(j);
        }
        if (!trailing) {
            throw new IllegalArgumentException(describe() + " normalizes the trailing dims " + normalizedShape
                    + " of its input, got " + in);
        }
        return in;
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        long[] shape = normalizedShape.stream().mapToLong(Integer::longValue).toArray();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("weight", shape);
        shapes.put("bias", shape.clone());
        return shapes;
    }

    @Override
    public void initialize(List<float[]> values, SplittableRandom rng) {
        java.util.Arrays.fill(values.get(0), 1f);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "layernorm");
        o.put("normalized_shape", normalizedShape);
        o.put("eps", eps);
        return o;
    }

    @Override
    public double[] evaluate(double[] x, int n, Shape in, List<double[]> params, double[] mask) {
        int d = groupSize();
        double[] w = params.get(0);
        double[] b = params.get(1);
        double[] y = new double[x.length];
        for (int g = 0; g < x.length / d; g++) {
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[g * d + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                var += (x[g * d + j] - mean) * (x[g * d + j] - mean);
            }
            var /= d;
            for (int j = 0; j < d; j++) {
                y[g * d + j] = (x[g * d + j] - mean) / Math.sqrt(var + eps) * w[j] + b[j];
            }
        }
        return y;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.layerNorm(this);
    }

    @Override
    public String describe() {
        return "layernorm(" + normalizedShape + (eps != EPS ? ", eps " + eps : "") + ")";
    }
}
