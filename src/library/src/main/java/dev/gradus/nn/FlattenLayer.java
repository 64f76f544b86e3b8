// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/** A pass-through: an NCHW row is already its flattened sample. */
final class FlattenLayer implements Layer {
    private final int features;
    private final boolean inputGrad;

    FlattenLayer(int features, boolean inputGrad) {
        this.features = features;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return features; }
    @Override public int[] scratchShape(int rows, boolean training) { return null; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return false; }
    @Override public boolean writesInputGrad() { return false; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        ws.cur[i] = in;
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        if (inputGrad) {
            ws.dcur[i - 1] = ws.dcur[i];
        }
    }
}
