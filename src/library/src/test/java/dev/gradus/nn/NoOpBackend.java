// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Checks;
import dev.gradus.backend.Window2d;
import dev.gradus.backend.Transpose;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;

/**
 * A backend that checks its arguments like a real one and computes nothing: it isolates what the
 * model and the optimizers themselves do (allocation, call sequence) from any backend's work.
 */
class NoOpBackend implements Backend {
    @Override public String name() { return "no-op"; }

    @Override
    public void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta) {
        Checks.gemm(c, a, transA, b, transB);
    }

    @Override
    public void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias) {
        Checks.activationForward(act, out, inp, bias);
    }

    @Override
    public void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out, Tensor dbias) {
        Checks.activationBackward(act, dinp, dout, inp, out, dbias);
    }

    @Override
    public float lossForward(Loss loss, Tensor pred, Tensor target) {
        Checks.lossForward(loss, pred, target);
        return 0f;
    }

    @Override
    public void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target) {
        Checks.lossBackward(loss, dpred, pred, target);
    }

    @Override
    public float crossEntropyForward(Tensor logits, Labels labels) {
        Checks.crossEntropyForward(logits, labels);
        return 0f;
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels) {
        Checks.crossEntropyBackward(dlogits, logits, labels);
    }

    @Override
    public void conv2dForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dForward", inp, out, weight.rows(), weight, bias, cols, g);
    }

    @Override
    public void conv2dBackwardInput(Tensor dinp, Tensor dout, Tensor weight, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dBackwardInput", dinp, dout, weight.rows(), weight, null, cols, g);
    }

    @Override
    public void conv2dBackwardWeight(Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dBackwardWeight", inp, dout, dweight.rows(), dweight, dbias, cols, g);
    }

    @Override
    public void maxPool2dForward(Tensor out, Tensor argmax, Tensor inp, Window2d g) {
        Checks.pool2d("maxPool2dForward", inp, out, argmax, g);
    }

    @Override
    public void maxPool2dBackward(Tensor dinp, Tensor dout, Tensor argmax, Window2d g) {
        Checks.pool2d("maxPool2dBackward", dinp, dout, argmax, g);
    }

    @Override
    public void batchNormForward(Tensor out, Tensor stats, Tensor runningMean, Tensor runningVar, Tensor inp,
                                 Tensor gamma, Tensor beta, double eps, double momentum, boolean training) {
        Checks.batchNorm("batchNormForward", inp, out, stats, gamma, beta, runningMean, runningVar, training);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                                  Tensor gamma, boolean training) {
        Checks.batchNorm("batchNormBackward", inp, dout, stats, gamma, dbeta, null, null, training);
    }

    @Override
    public void layerNormForward(Tensor out, Tensor stats, Tensor inp, Tensor gamma, Tensor beta, double eps) {
        Checks.layerNorm("layerNormForward", inp, out, stats, gamma, beta);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                                  Tensor gamma) {
        Checks.layerNorm("layerNormBackward", inp, dout, stats, gamma, dbeta);
    }

    @Override
    public void avgPool2dForward(Tensor out, Tensor inp, Window2d g, boolean countIncludePad) {
        Checks.pool2d("avgPool2dForward", inp, out, null, g);
    }

    @Override
    public void avgPool2dBackward(Tensor dinp, Tensor dout, Window2d g, boolean countIncludePad) {
        Checks.pool2d("avgPool2dBackward", dinp, dout, null, g);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed) {
        Checks.dropoutForward(out, mask, inp, p);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask) {
        Checks.dropoutBackward(dinp, dout, mask);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step) {
        Checks.sgdUpdate(param, grad, momentumBuf, c, lr, step);
    }

    @Override
    public void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step) {
        Checks.adagradUpdate(param, grad, sum, c, lr, step);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuf, Tensor gradAvg,
                              RmspropConfig c, float lr, long step) {
        Checks.rmspropUpdate(param, grad, squareAvg, momentumBuf, gradAvg, c, lr, step);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                           AdamConfig c, float lr, long step) {
        Checks.adamUpdate("adamUpdate", param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
    }

    @Override
    public void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            AdamConfig c, float lr, long step) {
        Checks.adamUpdate("adamwUpdate", param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
    }

    @Override public double sumOfSquares(Tensor x) { Checks.open("x", x); return 0; }
    @Override public void scale(Tensor x, float s) { Checks.open("x", x); }
    @Override public void zero(Tensor x) { Checks.open("x", x); }
    @Override public void clamp(Tensor x, float lo, float hi) { Checks.clamp(x, lo, hi); }
}
