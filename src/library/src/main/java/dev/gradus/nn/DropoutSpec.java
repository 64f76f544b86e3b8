// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inverted dropout with drop probability {@code p} ({@code torch.nn.Dropout(p)}): in training mode each
 * element is zeroed with probability p and the others are scaled by 1/(1−p); in evaluation mode it
 * passes its input through. The masks are seeded (see {@link Network#dropoutStep()}). Any shape.
 */
public record DropoutSpec(float p) implements LayerSpec {
    public DropoutSpec {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
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
        o.put("type", "dropout");
        o.put("p", p);
        return o;
    }

    @Override
    public double[] evaluate(double[] x, int n, Shape in, List<double[]> params, double[] mask) {
        double[] y = x.clone();
        if (mask != null) {
            for (int k = 0; k < y.length; k++) {
                y[k] *= mask[k];
            }
        }
        return y;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.dropout(this);
    }

    @Override
    public String describe() {
        return "dropout(" + p + ")";
    }
}
