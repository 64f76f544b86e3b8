// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fully connected layer {@code y = x·Wᵀ + b} with weight {@code [out, in]} and bias {@code [out]}
 * (as {@code torch.nn.Linear}), initialized by {@code init}.
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
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("weight", new long[] {out, in});
        shapes.put("bias", new long[] {out});
        return shapes;
    }

    @Override
    public String describe() {
        return "dense(" + in + " -> " + out + ")";
    }
}
