// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Checks;
import dev.gradus.backend.internal.InUse;
import dev.gradus.backend.Transpose;
import dev.gradus.backend.Window2d;
import dev.gradus.backend.internal.TorchScalars;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import java.nio.FloatBuffer;

/**
 * The pure-Java backend: plain loops, obviously correct, the oracle that the native kernels are
 * tested against and the fallback where no native library loads. Every method runs the matching
 * {@link Checks} method first, then reads and writes the tensors through {@link InUse#buffer(Tensor)}
 * while it holds them ({@link InUse}), so a tensor closed by another thread meanwhile is freed only
 * after the call.
 *
 * <p>Arithmetic: sums (GEMM, column sums, losses, softmax) accumulate in double; activations and
 * losses are evaluated in double and rounded once to float32. The optimizer updates are the
 * exception: they run in float32, operation by operation as {@code torch.optim} 1.13's
 * single-tensor path does (see {@code OptimizerRules}). Losses are in {@code LossRules}.
 *
 * <p>Which tensors the activation backward reads: sigmoid, tanh, relu and softmax read {@code out}
 * (as torch does), leaky_relu, elu, gelu and softplus read {@code inp}; identity reads neither.
 * So only the former may be run forward in place.
 *
 * <p>Stateless and allocation-free; safe to share between threads that use disjoint tensors.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "java";
    }

    // ---- linear algebra ------------------------------------------------------------------

    /**
     * Triple loop over {@code c(M,N') = alpha·op(a)(M,K)·op(b)(K,N') + beta·c}, each dot product in
     * double, in order of k. Element (i, p) of op(a) is at {@code i·lda + p} as stored, or at
     * {@code p·lda + i} transposed: a start and a stride along k, and likewise for op(b).
     */
    @Override
    public void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta) {
        Checks.gemm(c, a, transA, b, transB);
        InUse.acquire(c, a, b);
        try {
            FloatBuffer cb = InUse.buffer(c);
            FloatBuffer ab = InUse.buffer(a);
            FloatBuffer bb = InUse.buffer(b);
            int m = c.rows();
            int n = c.cols();
            int k = transA == Transpose.NO ? a.cols() : a.rows();
            int lda = a.cols();
            int ldb = b.cols();
            int aRowStep = transA == Transpose.NO ? lda : 1;   // from op(a)[i, 0] to op(a)[i + 1, 0]
            int aStepK = transA == Transpose.NO ? 1 : lda;     // from op(a)[i, p] to op(a)[i, p + 1]
            int bColStep = transB == Transpose.NO ? 1 : ldb;   // from op(b)[0, j] to op(b)[0, j + 1]
            int bStepK = transB == Transpose.NO ? ldb : 1;     // from op(b)[p, j] to op(b)[p + 1, j]
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    int ai = i * aRowStep;
                    int bj = j * bColStep;
                    for (int p = 0; p < k; p++, ai += aStepK, bj += bStepK) {
                        dot += (double) ab.get(ai) * bb.get(bj);
                    }
                    double r = alpha * dot;
                    if (beta != 0) {   // beta == 0: c's old contents are ignored, even NaN (BLAS)
                        r += (double) beta * cb.get(i * n + j);
                    }
                    cb.put(i * n + j, (float) r);
                }
            }
        } finally {
            InUse.release(c, a, b);
        }
    }

    // ---- activations ---------------------------------------------------------------------

    @Override
    public void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias) {
        Checks.activationForward(act, out, inp, bias);
        InUse.acquire(out, inp, bias);
        try {
            FloatBuffer x = InUse.buffer(inp);
            FloatBuffer y = InUse.buffer(out);
            int rows = inp.rows();
            int cols = inp.cols();
            if (bias != null) {
                FloatBuffer bb = InUse.buffer(bias);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        int i = r * cols + j;
                        x.put(i, x.get(i) + bb.get(j));
                    }
                }
            }
            if (act.kind() == Activation.Kind.SOFTMAX) {
                softmaxRows(y, x, rows, cols);
                return;
            }
            double param = act.param();
            for (int i = 0, size = rows * cols; i < size; i++) {
                double v = x.get(i);
                double r = switch (act.kind()) {
                    case IDENTITY -> v;
                    case SIGMOID -> Pointwise.sigmoid(v);
                    case TANH -> Math.tanh(v);
                    case RELU -> v < 0 ? 0.0 : v;   // as torch: relu(-0.0) = -0.0 and relu(NaN) = NaN
                    case LEAKY_RELU -> Pointwise.leakyRelu(v, param);
                    case ELU -> Pointwise.elu(v, param);
                    case GELU -> Pointwise.gelu(v);
                    case SOFTPLUS -> Pointwise.softplus(v);
                    case SOFTMAX -> throw new AssertionError("handled above");
                };
                y.put(i, (float) r);
            }
        } finally {
            InUse.release(out, inp, bias);
        }
    }

    /** Each row: exp(x − max) / Σ exp(x − max), the sum in double. {@code y} may be {@code x}. */
    private static void softmaxRows(FloatBuffer y, FloatBuffer x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = LossRules.rowMax(x, base, cols);
            double sum = LossRules.sumExp(x, base, cols, max);
            for (int j = 0; j < cols; j++) {
                y.put(base + j, (float) (Math.exp(x.get(base + j) - max) / sum));
            }
        }
    }

    @Override
    public void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out, Tensor dbias) {
        Checks.activationBackward(act, dinp, dout, inp, out, dbias);
        InUse.acquire(dinp, dbias, dout, inp, out);
        try {
            FloatBuffer dx = InUse.buffer(dinp);
            FloatBuffer dy = InUse.buffer(dout);
            int rows = dinp.rows();
            int cols = dinp.cols();
            Activation.Kind kind = act.kind();
            if (kind == Activation.Kind.SOFTMAX) {
                softmaxBackwardRows(dx, dy, InUse.buffer(out), rows, cols);
            } else if (kind != Activation.Kind.IDENTITY || !dinp.sameElements(dout)) {
                FloatBuffer x = InUse.buffer(inp);
                FloatBuffer y = InUse.buffer(out);
                double param = act.param();
                for (int i = 0, size = rows * cols; i < size; i++) {
                    double g = dy.get(i);
                    double r = switch (kind) {
                        case IDENTITY -> g;
                        case SIGMOID -> { double s = y.get(i); yield g * (1.0 - s) * s; }
                        case TANH -> { double t = y.get(i); yield g * (1.0 - t * t); }
                        case RELU -> y.get(i) <= 0 ? 0.0 : g;   // torch's threshold_backward: NaN passes the gradient
                        case LEAKY_RELU -> x.get(i) > 0 ? g : g * param;
                        // torch's elu_backward on the input (nn.ELU is not in place): alpha·eˣ for x <= 0
                        case ELU -> x.get(i) > 0 ? g : g * param * Math.exp(x.get(i));
                        case GELU -> g * Pointwise.geluDerivative(x.get(i));
                        case SOFTPLUS -> g * Pointwise.softplusDerivative(x.get(i));
                        case SOFTMAX -> throw new AssertionError("handled above");
                    };
                    dx.put(i, (float) r);
                }
            }
            if (dbias != null) {
                addColumnSums(InUse.buffer(dbias), dx, rows, cols);
            }
        } finally {
            InUse.release(dinp, dbias, dout, inp, out);
        }
    }

    /** Each row: dx = y ⊙ (dy − Σ dy·y), the sum in double. dx may be dy. */
    private static void softmaxBackwardRows(FloatBuffer dx, FloatBuffer dy, FloatBuffer y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += (double) dy.get(base + j) * y.get(base + j);
            }
            for (int j = 0; j < cols; j++) {
                dx.put(base + j, (float) (y.get(base + j) * (dy.get(base + j) - dot)));
            }
        }
    }

    /** dbias[j] += Σ_rows g[r, j], each column summed in double. */
    private static void addColumnSums(FloatBuffer dbias, FloatBuffer g, int rows, int cols) {
        for (int j = 0; j < cols; j++) {
            double sum = dbias.get(j);
            for (int r = 0; r < rows; r++) {
                sum += g.get(r * cols + j);
            }
            dbias.put(j, (float) sum);
        }
    }

    // ---- losses --------------------------------------------------------------------------

    @Override
    public float lossForward(Loss loss, Tensor pred, Tensor target) {
        Checks.lossForward(loss, pred, target);
        InUse.acquire(pred, target);
        try {
            int refused = LossRules.firstRefused(loss, InUse.buffer(pred), pred.size());
            if (refused >= 0) {
                throw Checks.predictionOutOfRange(loss, pred, refused);
            }
            return LossRules.forward(loss, InUse.buffer(pred), InUse.buffer(target), pred.size());
        } finally {
            InUse.release(pred, target);
        }
    }

    @Override
    public void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target) {
        Checks.lossBackward(loss, dpred, pred, target);
        InUse.acquire(dpred, pred, target);
        try {
            LossRules.backward(loss, InUse.buffer(dpred), InUse.buffer(pred), InUse.buffer(target), pred.size());
        } finally {
            InUse.release(dpred, pred, target);
        }
    }

    @Override
    public float crossEntropyForward(Tensor logits, Labels labels) {
        Checks.crossEntropyForward(logits, labels);
        InUse.acquire(logits, null, labels);
        try {
            return LossRules.crossEntropyForward(InUse.buffer(logits), InUse.buffer(labels), logits.rows(), logits.cols());
        } finally {
            InUse.release(logits, null, labels);
        }
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels) {
        Checks.crossEntropyBackward(dlogits, logits, labels);
        InUse.acquire(dlogits, logits, labels);
        try {
            LossRules.crossEntropyBackward(InUse.buffer(dlogits), InUse.buffer(logits), InUse.buffer(labels), logits.rows(), logits.cols());
        } finally {
            InUse.release(dlogits, logits, labels);
        }
    }

    // ---- normalization ------------------------------------------------------------------

    @Override
    public void batchNormForward(Tensor out, Tensor stats, Tensor runningMean, Tensor runningVar, Tensor inp,
                                 Tensor gamma, Tensor beta, double eps, double momentum, boolean training) {
        Checks.nonNull("running_mean", runningMean);
        Checks.nonNull("running_var", runningVar);
        int s = Checks.batchNorm("batchNormForward", inp, out, stats, gamma, beta, runningMean, runningVar, training);
        InUse.acquire(out, stats, runningMean, runningVar, inp);
        try {
            InUse.acquire(gamma, beta);
            try {
                Norms.batchForward(InUse.buffer(out), InUse.buffer(stats), InUse.buffer(runningMean),
                        InUse.buffer(runningVar), InUse.buffer(inp), InUse.buffer(gamma), InUse.buffer(beta), eps,
                        momentum, training, inp.rows(), gamma.size(), s);
            } finally {
                InUse.release(gamma, beta);
            }
        } finally {
            InUse.release(out, stats, runningMean, runningVar, inp);
        }
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                                  Tensor gamma, boolean training) {
        Checks.nonNull("dbeta", dbeta);
        int s = Checks.batchNorm("batchNormBackward", inp, dout, stats, gamma, dbeta, null, null, training);
        Checks.normGradients("batchNormBackward", dinp, dgamma, dbeta, dout, inp, stats, gamma);
        InUse.acquire(dinp, dgamma, dbeta, dout, inp);
        try {
            InUse.acquire(stats, gamma);
            try {
                Norms.batchBackward(dinp == null ? null : InUse.buffer(dinp), InUse.buffer(dgamma), InUse.buffer(dbeta),
                        InUse.buffer(dout), InUse.buffer(inp), InUse.buffer(stats), InUse.buffer(gamma), training,
                        inp.rows(), gamma.size(), s);
            } finally {
                InUse.release(stats, gamma);
            }
        } finally {
            InUse.release(dinp, dgamma, dbeta, dout, inp);
        }
    }

    @Override
    public void layerNormForward(Tensor out, Tensor stats, Tensor inp, Tensor gamma, Tensor beta, double eps) {
        Checks.layerNorm("layerNormForward", inp, out, stats, gamma, beta);
        InUse.acquire(out, stats, inp, gamma, beta);
        try {
            Norms.layerForward(InUse.buffer(out), InUse.buffer(stats), InUse.buffer(inp), InUse.buffer(gamma),
                    InUse.buffer(beta), eps, stats.cols(), gamma.size());
        } finally {
            InUse.release(out, stats, inp, gamma, beta);
        }
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                                  Tensor gamma) {
        Checks.nonNull("dbeta", dbeta);
        Checks.layerNorm("layerNormBackward", inp, dout, stats, gamma, dbeta);
        Checks.normGradients("layerNormBackward", dinp, dgamma, dbeta, dout, inp, stats, gamma);
        InUse.acquire(dinp, dgamma, dbeta, dout, inp);
        try {
            InUse.acquire(stats, gamma);
            try {
                Norms.layerBackward(dinp == null ? null : InUse.buffer(dinp), InUse.buffer(dgamma), InUse.buffer(dbeta),
                        InUse.buffer(dout), InUse.buffer(inp), InUse.buffer(stats), InUse.buffer(gamma), stats.cols(),
                        gamma.size());
            } finally {
                InUse.release(stats, gamma);
            }
        } finally {
            InUse.release(dinp, dgamma, dbeta, dout, inp);
        }
    }

    // ---- dropout -------------------------------------------------------------------------

    /** mask[i] = keep ? 1/(1−p) : 0 with {@link DropoutHash}; the scale rounded as torch: 1f / (float)(1 − p). */
    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed) {
        Checks.dropoutForward(out, mask, inp, p);
        InUse.acquire(out, mask, inp);
        try {
            FloatBuffer x = InUse.buffer(inp);
            FloatBuffer m = InUse.buffer(mask);
            FloatBuffer y = InUse.buffer(out);
            float scale = TorchScalars.dropoutScale(p);
            long threshold = DropoutHash.threshold(p);
            for (int i = 0, n = inp.size(); i < n; i++) {
                float mi = DropoutHash.keep(seed, i, threshold) ? scale : 0f;
                m.put(i, mi);
                y.put(i, x.get(i) * mi);
            }
        } finally {
            InUse.release(out, mask, inp);
        }
    }

    @Override
    public void conv2dForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dForward", inp, out, weight.rows(), weight, bias, cols, g);
        InUse.acquire(out, inp, weight, bias, cols);
        try {
            Windows.convForward(InUse.buffer(out), InUse.buffer(inp), InUse.buffer(weight),
                    bias == null ? null : InUse.buffer(bias), inp.rows(), weight.rows(), g);
        } finally {
            InUse.release(out, inp, weight, bias, cols);
        }
    }

    @Override
    public void conv2dBackwardInput(Tensor dinp, Tensor dout, Tensor weight, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dBackwardInput", dinp, dout, weight.rows(), weight, null, cols, g);
        InUse.acquire(dinp, dout, weight, cols, null);
        try {
            Windows.convBackwardInput(InUse.buffer(dinp), InUse.buffer(dout), InUse.buffer(weight), dinp.rows(),
                    weight.rows(), g);
        } finally {
            InUse.release(dinp, dout, weight, cols, null);
        }
    }

    @Override
    public void conv2dBackwardWeight(Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dBackwardWeight", inp, dout, dweight.rows(), dweight, dbias, cols, g);
        InUse.acquire(dweight, dbias, dout, inp, cols);
        try {
            Windows.convBackwardWeight(InUse.buffer(dweight), dbias == null ? null : InUse.buffer(dbias),
                    InUse.buffer(dout), InUse.buffer(inp), inp.rows(), dweight.rows(), g);
        } finally {
            InUse.release(dweight, dbias, dout, inp, cols);
        }
    }

    @Override
    public void maxPool2dForward(Tensor out, Tensor argmax, Tensor inp, Window2d g) {
        Checks.nonNull("argmax", argmax);
        Checks.pool2d("maxPool2dForward", inp, out, argmax, g);
        InUse.acquire(out, argmax, inp);
        try {
            Windows.maxForward(InUse.buffer(out), InUse.buffer(argmax), InUse.buffer(inp), inp.rows(), g);
        } finally {
            InUse.release(out, argmax, inp);
        }
    }

    @Override
    public void maxPool2dBackward(Tensor dinp, Tensor dout, Tensor argmax, Window2d g) {
        Checks.nonNull("argmax", argmax);
        Checks.pool2d("maxPool2dBackward", dinp, dout, argmax, g);
        long bad;
        InUse.acquire(dinp, dout, argmax);
        try {
            bad = Windows.maxBackward(InUse.buffer(dinp), InUse.buffer(dout), InUse.buffer(argmax), dinp.rows(), g);
        } finally {
            InUse.release(dinp, dout, argmax);
        }
        if (bad >= 0) {
            throw Checks.badArgmax("maxPool2dBackward", argmax, bad, g);
        }
    }

    @Override
    public void avgPool2dForward(Tensor out, Tensor inp, Window2d g, boolean countIncludePad) {
        Checks.pool2d("avgPool2dForward", inp, out, null, g);
        InUse.acquire(out, inp);
        try {
            Windows.avgForward(InUse.buffer(out), InUse.buffer(inp), inp.rows(), g, countIncludePad);
        } finally {
            InUse.release(out, inp);
        }
    }

    @Override
    public void avgPool2dBackward(Tensor dinp, Tensor dout, Window2d g, boolean countIncludePad) {
        Checks.pool2d("avgPool2dBackward", dinp, dout, null, g);
        InUse.acquire(dinp, dout);
        try {
            Windows.avgBackward(InUse.buffer(dinp), InUse.buffer(dout), dinp.rows(), g, countIncludePad);
        } finally {
            InUse.release(dinp, dout);
        }
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask) {
        Checks.dropoutBackward(dinp, dout, mask);
        InUse.acquire(dinp, dout, mask);
        try {
            FloatBuffer dx = InUse.buffer(dinp);
            FloatBuffer dy = InUse.buffer(dout);
            FloatBuffer m = InUse.buffer(mask);
            for (int i = 0, n = dinp.size(); i < n; i++) {
                dx.put(i, dy.get(i) * m.get(i));
            }
        } finally {
            InUse.release(dinp, dout, mask);
        }
    }

    // ---- optimizer updates -------------------------------------------------------------------

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step) {
        Checks.sgdUpdate(param, grad, momentumBuf, c, lr, step);
        InUse.acquire(param, momentumBuf, grad);
        try {
            OptimizerRules.sgd(InUse.buffer(param), InUse.buffer(grad), momentumBuf == null ? null : InUse.buffer(momentumBuf),
                    c, lr, step, param.size());
        } finally {
            InUse.release(param, momentumBuf, grad);
        }
    }

    @Override
    public void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step) {
        Checks.adagradUpdate(param, grad, sum, c, lr, step);
        InUse.acquire(param, sum, grad);
        try {
            OptimizerRules.adagrad(InUse.buffer(param), InUse.buffer(grad), InUse.buffer(sum), c, lr, step, param.size());
        } finally {
            InUse.release(param, sum, grad);
        }
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuf, Tensor gradAvg,
                              RmspropConfig c, float lr, long step) {
        Checks.rmspropUpdate(param, grad, squareAvg, momentumBuf, gradAvg, c, lr, step);
        InUse.acquire(param, squareAvg, momentumBuf, gradAvg, grad);
        try {
            OptimizerRules.rmsprop(InUse.buffer(param), InUse.buffer(grad), InUse.buffer(squareAvg),
                    momentumBuf == null ? null : InUse.buffer(momentumBuf), gradAvg == null ? null : InUse.buffer(gradAvg),
                    c, lr, param.size());
        } finally {
            InUse.release(param, squareAvg, momentumBuf, gradAvg, grad);
        }
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                           AdamConfig c, float lr, long step) {
        Checks.adamUpdate("adamUpdate", param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
        InUse.acquire(param, expAvg, expAvgSq, maxExpAvgSq, grad);
        try {
            OptimizerRules.adam(InUse.buffer(param), InUse.buffer(grad), InUse.buffer(expAvg), InUse.buffer(expAvgSq),
                    maxExpAvgSq == null ? null : InUse.buffer(maxExpAvgSq), c, lr, step, param.size());
        } finally {
            InUse.release(param, expAvg, expAvgSq, maxExpAvgSq, grad);
        }
    }

    @Override
    public void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            AdamConfig c, float lr, long step) {
        Checks.adamUpdate("adamwUpdate", param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
        InUse.acquire(param, expAvg, expAvgSq, maxExpAvgSq, grad);
        try {
            OptimizerRules.adamw(InUse.buffer(param), InUse.buffer(grad), InUse.buffer(expAvg), InUse.buffer(expAvgSq),
                    maxExpAvgSq == null ? null : InUse.buffer(maxExpAvgSq), c, lr, step, param.size());
        } finally {
            InUse.release(param, expAvg, expAvgSq, maxExpAvgSq, grad);
        }
    }

    // ---- gradient clipping -----------------------------------------------------------------

    @Override
    public double sumOfSquares(Tensor x) {
        Checks.open("x", x);
        InUse.acquire(x);
        try {
            FloatBuffer b = InUse.buffer(x);
            double sum = 0;
            for (int i = 0, n = x.size(); i < n; i++) {
                double v = b.get(i);
                sum += v * v;
            }
            return sum;
        } finally {
            InUse.release(x);
        }
    }

    @Override
    public void zero(Tensor x) {
        Checks.open("x", x);
        x.zero();
    }

    @Override
    public void scale(Tensor x, float s) {
        Checks.open("x", x);
        InUse.acquire(x);
        try {
            FloatBuffer b = InUse.buffer(x);
            for (int i = 0, n = x.size(); i < n; i++) {
                b.put(i, b.get(i) * s);
            }
        } finally {
            InUse.release(x);
        }
    }

    /** NaN stays NaN (as torch.clamp). */
    @Override
    public void clamp(Tensor x, float lo, float hi) {
        Checks.clamp(x, lo, hi);
        InUse.acquire(x);
        try {
            FloatBuffer b = InUse.buffer(x);
            for (int i = 0, n = x.size(); i < n; i++) {
                b.put(i, Math.min(Math.max(b.get(i), lo), hi));
            }
        } finally {
            InUse.release(x);
        }
    }
}
