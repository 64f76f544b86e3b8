// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/** Layer normalization over groups of D values; its scratch (2, groups) keeps each group's mean and 1/√(var + eps). */
final class LayerNormLayer implements Layer {
    private final Tensor gamma;
    private final Tensor beta;
    private final Tensor dgamma;
    private final Tensor dbeta;
    private final double eps;
    private final int features;
    private final boolean inputGrad;

    LayerNormLayer(double eps, int features, java.util.List<Tensor> values, java.util.List<Tensor> grads,
                   boolean inputGrad) {
        this.gamma = values.get(0);
        this.beta = values.get(1);
        this.dgamma = grads.get(0);
        this.dbeta = grads.get(1);
        this.eps = eps;
        this.features = features;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return features; }
    @Override public int[] scratchShape(int rows, boolean training) { return new int[] {2, rows * (features / gamma.size())}; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return true; }
    @Override public boolean writesInputGrad() { return true; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        b.layerNormForward(ws.out[i], ws.scratch[i], in, gamma, beta, eps);
        ws.cur[i] = ws.out[i];
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        b.layerNormBackward(inputGrad ? ws.grad[i - 1] : null, dgamma, dbeta, ws.dcur[i], in, ws.scratch[i], gamma);
        if (inputGrad) {
            ws.dcur[i - 1] = ws.grad[i - 1];
        }
    }
}
