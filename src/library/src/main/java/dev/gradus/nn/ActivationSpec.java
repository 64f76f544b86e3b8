// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import java.util.Map;

/** An elementwise (or, for softmax, row-wise) activation; no parameters. */
public record ActivationSpec(Activation activation) implements LayerSpec {
    public ActivationSpec {
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null");
        }
    }

    @Override
    public Map<String, long[]> parameterShapes() {
        return Map.of();
    }

    @Override
    public String describe() {
        return activation.toString();
    }
}
