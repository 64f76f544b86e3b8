// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/** Inverted dropout in training mode (p > 0); a pass-through (no copy) otherwise. */
final class DropoutLayer implements Layer {
    private final float p;
    private final int features;
    private final boolean inputGrad;

    DropoutLayer(float p, int features, boolean inputGrad) {
        this.p = p;
        this.features = features;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return features; }
    @Override public int[] scratchShape(int rows, boolean training) { return training ? new int[] {rows, features} : null; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return training && p > 0; }
    @Override public boolean writesInputGrad() { return p > 0; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        boolean apply = training && p > 0;
        ws.dropped[i] = apply;
        if (apply) {
            b.dropoutForward(ws.out[i], ws.scratch[i], in, p, seed);
            ws.cur[i] = ws.out[i];
        } else {
            ws.cur[i] = in;
        }
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        if (!inputGrad) {
            return;
        }
        if (ws.dropped[i]) {
            b.dropoutBackward(ws.grad[i - 1], ws.dcur[i], ws.scratch[i]);
            ws.dcur[i - 1] = ws.grad[i - 1];
        } else {
            ws.dcur[i - 1] = ws.dcur[i];
        }
    }
}
