// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.Map;

/**
 * Inverted dropout with drop probability {@code p} ({@code torch.nn.Dropout(p)}): in training mode each
 * element is zeroed with probability p and the others are scaled by 1/(1−p); in evaluation mode it
 * passes its input through. The masks are seeded (see {@link Network#dropoutStep()}).
 */
public record DropoutSpec(float p) implements LayerSpec {
    public DropoutSpec {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        return Map.of();
    }

    @Override
    public String describe() {
        return "dropout(" + p + ")";
    }
}
