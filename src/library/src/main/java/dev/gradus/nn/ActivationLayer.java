// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/**
 * {@code out = act(in + bias)}, where {@code bias} is the preceding dense layer's (fused: one pass
 * instead of two), or null when no dense layer precedes directly. Backward fuses the bias gradient.
 */
final class ActivationLayer implements Layer {
    private final Activation act;
    private final int features;
    private final Tensor bias;    // null unless fused
    private final Tensor dbias;   // null unless fused
    private final boolean inputGrad;

    ActivationLayer(Activation act, int features, Tensor bias, Tensor dbias, boolean inputGrad) {
        this.act = act;
        this.features = features;
        this.bias = bias;
        this.dbias = dbias;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return features; }
    @Override public int[] scratchShape(int rows, boolean training) { return null; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return true; }
    @Override public boolean writesInputGrad() { return true; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        Tensor out = ws.out[i];
        b.activationForward(act, out, in, bias);   // with a fused bias, in becomes the pre-activation
        ws.cur[i] = out;
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        if (!inputGrad) {
            return;   // nothing before this layer has parameters (and so no bias is fused either)
        }
        Tensor dinp = ws.grad[i - 1];
        b.activationBackward(act, dinp, ws.dcur[i], in, ws.cur[i], dbias);
        ws.dcur[i - 1] = dinp;
    }
}
