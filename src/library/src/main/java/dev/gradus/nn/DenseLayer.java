// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Transpose;

/**
 * {@code out = in·Wᵀ + b}; in is (N, C), W (OC, C), b (1, OC). When an activation follows, it adds the
 * bias (fused, {@code biasFused}); otherwise this layer adds it with an identity activation.
 */
final class DenseLayer implements Layer {
    final Tensor weight;
    final Tensor bias;
    final Tensor dweight;
    final Tensor dbias;
    private final boolean biasFused;
    private final boolean inputGrad;

    DenseLayer(Tensor weight, Tensor bias, Tensor dweight, Tensor dbias, boolean biasFused, boolean inputGrad) {
        this.weight = weight;
        this.bias = bias;
        this.dweight = dweight;
        this.dbias = dbias;
        this.biasFused = biasFused;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return weight.rows(); }
    @Override public int[] scratchShape(int rows, boolean training) { return null; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return true; }
    @Override public boolean writesInputGrad() { return true; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        Tensor out = ws.out[i];
        b.gemm(out, in, Transpose.NO, weight, Transpose.YES, 1f, 0f);          // out = in·Wᵀ
        if (!biasFused) {
            b.activationForward(Activation.IDENTITY, out, out, bias);          // out += b
        }
        ws.cur[i] = out;
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        Tensor dout = ws.dcur[i];
        if (!biasFused) {
            b.columnSums(dbias, dout);                                          // db += Σ_rows dout
        }
        b.gemm(dweight, dout, Transpose.YES, in, Transpose.NO, 1f, 1f);         // dW += doutᵀ·in
        if (inputGrad) {
            Tensor dinp = ws.grad[i - 1];
            b.gemm(dinp, dout, Transpose.NO, weight, Transpose.NO, 1f, 0f);     // dinp = dout·W
            ws.dcur[i - 1] = dinp;
        }
    }
}
