// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.Map;

/**
 * One layer of a {@link Network}, as plain data: what a model file stores and what
 * {@link Network#Network} builds from. The index of a spec in the list is the number in its
 * parameters' names ({@code "0.weight"}), as in a PyTorch {@code nn.Sequential}.
 */
public sealed interface LayerSpec permits DenseSpec, ActivationSpec, DropoutSpec {

    /** A short readable description for {@link Network#summary()}, e.g. {@code dense(784 -> 128)}. */
    String describe();

    /**
     * This layer's parameters by their PyTorch names within the layer ({@code weight}, {@code bias}),
     * in storage order, with their shapes ({@code weight [out, in]}): what a model file must hold for it,
     * known before anything is allocated.
     */
    Map<String, long[]> parameterShapes();
}
