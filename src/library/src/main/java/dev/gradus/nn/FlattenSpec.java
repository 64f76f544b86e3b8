// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code torch.nn.Flatten()}: an image {@code (C, H, W)} becomes {@code (C·H·W)} in row-major order.
 * The rows hold exactly those values already, so it computes nothing and copies nothing.
 */
public record FlattenSpec() implements LayerSpec {

    @Override
    public Shape outputShape(Shape in) {
        return Shape.flat(in.size());
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
        o.put("type", "flatten");
        return o;
    }

    @Override
    public double[] evaluate(double[] x, int n, Shape in, List<double[]> params, double[] mask) {
        return x.clone();
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.flatten(this);
    }

    @Override
    public String describe() {
        return "flatten";
    }
}
