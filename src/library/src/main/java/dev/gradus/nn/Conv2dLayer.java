// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Window2d;

/**
 * {@code out = conv2d(in, W) + b} over NCHW rows; W is viewed (OC, C·kh·kw). Its scratch is what
 * {@link Window2d#convScratch} says: room for im2col columns (or, at stride 1, the native kernels'
 * zero-padded planes) of a few groups of samples at a time, bounded whatever the batch, allocated
 * once per batch size with the workspace.
 */
final class Conv2dLayer implements Layer {
    private final Tensor weight;
    private final Tensor bias;     // null without bias
    private final Tensor dweight;
    private final Tensor dbias;    // null without bias
    private final Window2d g;
    private final int features;
    private final boolean inputGrad;

    Conv2dLayer(Tensor weight, Tensor bias, Tensor dweight, Tensor dbias, Window2d g, boolean inputGrad) {
        this.weight = weight;
        this.bias = bias;
        this.dweight = dweight;
        this.dbias = dbias;
        this.g = g;
        this.features = weight.rows() * g.outPlane();
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return features; }
    @Override
    public int[] scratchShape(int rows, boolean training) {
        long floats = g.convScratch(weight.rows(), rows);
        if (floats > Tensor.MAX_SIZE) {
            throw new IllegalArgumentException("conv2d on " + g + ": " + rows + " samples need " + floats
                    + " floats of im2col scratch, more than a tensor holds (" + Tensor.MAX_SIZE + ")");
        }
        return new int[] {1, (int) floats};
    }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return true; }
    @Override public boolean writesInputGrad() { return true; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        b.conv2dForward(ws.out[i], in, weight, bias, ws.scratch[i], g);
        ws.cur[i] = ws.out[i];
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        Tensor dout = ws.dcur[i];
        b.conv2dBackwardWeight(dweight, dbias, dout, in, ws.scratch[i], g);
        if (inputGrad) {
            b.conv2dBackwardInput(ws.grad[i - 1], dout, weight, ws.scratch[i], g);
            ws.dcur[i - 1] = ws.grad[i - 1];
        }
    }
}
