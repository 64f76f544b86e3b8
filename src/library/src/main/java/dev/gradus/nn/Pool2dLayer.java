// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Window2d;

/** Max or average pooling over NCHW rows; max pooling keeps each window's argmax as its scratch. */
final class Pool2dLayer implements Layer {
    private final boolean max;
    private final boolean countIncludePad;
    private final Window2d g;
    private final boolean inputGrad;

    Pool2dLayer(boolean max, boolean countIncludePad, Window2d g, boolean inputGrad) {
        this.max = max;
        this.countIncludePad = countIncludePad;
        this.g = g;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return g.channels() * g.outPlane(); }
    @Override public int[] scratchShape(int rows, boolean training) { return max ? new int[] {rows, outFeatures()} : null; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return true; }
    @Override public boolean writesInputGrad() { return true; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        if (max) {
            b.maxPool2dForward(ws.out[i], ws.scratch[i], in, g);
        } else {
            b.avgPool2dForward(ws.out[i], in, g, countIncludePad);
        }
        ws.cur[i] = ws.out[i];
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        if (!inputGrad) {
            return;
        }
        if (max) {
            b.maxPool2dBackward(ws.grad[i - 1], ws.dcur[i], ws.scratch[i], g);
        } else {
            b.avgPool2dBackward(ws.grad[i - 1], ws.dcur[i], g, countIncludePad);
        }
        ws.dcur[i - 1] = ws.grad[i - 1];
    }
}
