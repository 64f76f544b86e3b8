// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;

/**
 * One named parameter of a {@link Network}: views of its values and of its gradient inside the
 * network's two contiguous buffers. Names and shapes are PyTorch's, as its layer's
 * {@link LayerSpec#parameterShapes()} states them: {@code "0.weight"} of a dense layer is
 * {@code [out, in]}, {@code "0.bias"} is {@code [out]} (its tensor is {@code [1, out]}), the number
 * being the layer's index in the spec list. The tensors stay owned by the network.
 *
 * @param shape the PyTorch shape (its product is the tensors' size)
 * @param offset where {@code value} starts in {@link Network#parameterBuffer()} (in floats)
 */
public record Parameter(String name, int[] shape, Tensor value, Tensor grad, long offset) {

    public Parameter {
        shape = shape.clone();
    }

    /** The PyTorch shape, e.g. {@code [out, in]} for a dense weight, {@code [out]} for a bias (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }
}
