// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/**
 * Batch normalization; its scratch (2, C) keeps the mean and 1/√(var + eps) the forward used. A
 * training forward normalizes with the batch statistics and updates the running ones (and the counter);
 * an eval forward (and every Predictor's) only reads them.
 */
final class BatchNormLayer implements Layer {
    private final Tensor gamma;
    private final Tensor beta;
    private final Tensor dgamma;
    private final Tensor dbeta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Buffer tracked;
    private final String name;
    private final double eps;
    private final double momentum;
    private final int features;
    private final boolean inputGrad;

    BatchNormLayer(BatchNormSpec spec, int features, java.util.List<Tensor> values, java.util.List<Tensor> grads,
                   java.util.List<Buffer> buffers, boolean inputGrad) {
        this.gamma = values.get(0);
        this.beta = values.get(1);
        this.dgamma = grads.get(0);
        this.dbeta = grads.get(1);
        this.runningMean = buffers.get(0).value();
        this.runningVar = buffers.get(1).value();
        this.tracked = buffers.get(2);
        this.name = spec.describe();
        this.eps = spec.eps();
        this.momentum = spec.momentum();
        this.features = features;
        this.inputGrad = inputGrad;
    }

    @Override public int outFeatures() { return features; }
    @Override public int[] scratchShape(int rows, boolean training) { return new int[] {2, gamma.size()}; }
    @Override public boolean needsInputGrad() { return inputGrad; }
    @Override public boolean ownsOutput(boolean training) { return true; }
    @Override public boolean writesInputGrad() { return true; }

    @Override
    public void forward(Backend b, Workspace ws, int i, Tensor in, boolean training, long seed) {
        if (training && (long) in.rows() * (in.cols() / gamma.size()) <= 1) {
            throw new IllegalArgumentException("layer " + i + " " + name + ": expected more than 1 value per channel "
                    + "when training, got input " + in.shape() + " (train(false) normalizes with the running statistics; "
                    + "a last partial batch of one sample can be dropped: TrainConfig.withDropLast)");
        }
        b.batchNormForward(ws.out[i], ws.scratch[i], runningMean, runningVar, in, gamma, beta, eps, momentum, training);
        if (training) {
            tracked.increment();
        }
        ws.batchStats[i] = training;
        ws.cur[i] = ws.out[i];
    }

    @Override
    public void backward(Backend b, Workspace ws, int i, Tensor in) {
        b.batchNormBackward(inputGrad ? ws.grad[i - 1] : null, dgamma, dbeta, ws.dcur[i], in, ws.scratch[i], gamma,
                ws.batchStats[i]);
        if (inputGrad) {
            ws.dcur[i - 1] = ws.grad[i - 1];
        }
    }
}
