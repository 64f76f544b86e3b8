// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;

/**
 * One named parameter of a {@link Network}: views of its values and of its gradient inside the
 * network's two contiguous buffers. Names and shapes are PyTorch's: {@code "0.weight"} is
 * {@code [out, in]}, {@code "0.bias"} is {@code [out]} (its tensor is {@code [1, out]}), the number
 * being the layer's index in the spec list. The tensors stay owned by the network.
 *
 * @param offset where {@code value} starts in {@link Network#parameterBuffer()} (in floats)
 */
public record Parameter(String name, Tensor value, Tensor grad, long offset) {

    /** True for a bias, whose PyTorch shape is one-dimensional. */
    public boolean isBias() {
        return name.endsWith(".bias");
    }

    /** The PyTorch shape: {@code [out, in]} for a weight, {@code [out]} for a bias. */
    public int[] shape() {
        return isBias() ? new int[] {value.cols()} : new int[] {value.rows(), value.cols()};
    }
}
