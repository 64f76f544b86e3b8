// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/**
 * The runtime side of a {@link LayerSpec}: layer i's forward writes {@code ws.cur[i]} from its input,
 * its backward reads {@code ws.dcur[i]}, accumulates its parameter gradients and, when a layer
 * before it has parameters, sets {@code ws.dcur[i - 1]}.
 */
sealed interface Layer permits DenseLayer, ActivationLayer, DropoutLayer, Conv2dLayer, Pool2dLayer, FlattenLayer,
        BatchNormLayer, LayerNormLayer {

    /** Values per output sample (the output tensor is (rows, outFeatures())). */
    int outFeatures();

    /**
     * The (rows, cols) of the scratch tensor this layer keeps in a workspace for batches of {@code rows}
     * (a dropout mask, im2col columns), or null for none; {@code training}: for a workspace that training
     * forwards use, not only inference. Allocated once per batch size.
     */
    int[] scratchShape(int rows, boolean training);

    /** Whether a layer before this one has parameters, so that the gradient w.r.t. this layer's input is needed. */
    boolean needsInputGrad();

    /**
     * Whether forward can write an output tensor of its own ({@code ws.out[i]}), in a workspace for training
     * forwards ({@code training}) or for inference only; false for a layer whose output is always its input
     * (flatten; dropout when it drops nothing): the workspace then allocates none.
     */
    boolean ownsOutput(boolean training);

    /**
     * Whether backward writes the gradient w.r.t. its input into {@code ws.grad[i - 1]} (when it is needed),
     * rather than passing {@code ws.dcur[i]} through: the workspace allocates {@code grad[i - 1]} only then.
     */
    boolean writesInputGrad();

    void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed);

    void backward(Backend b, Workspace ws, int i, Tensor in);
}
