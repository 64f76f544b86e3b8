// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;

/**
 * The argument checks of every {@link Backend} kernel, shared so that both backends reject exactly
 * the same inputs, before any native call: null, closed, wrong shape, forbidden aliasing.
 * Each method is named for the kernel it guards.
 */
public final class Checks {
    private Checks() {}

    /** Validates {@code c(M,N) = op(a)(M,K) · op(b)(K,N)}. */
    public static void gemm(Tensor c, Tensor a, Transpose ta, Tensor b, Transpose tb) {
        open("c", c); open("a", a); open("b", b);
        if (ta == null || tb == null) {
            throw new IllegalArgumentException("gemm: transpose flags must not be null");
        }
        int m = ta == Transpose.NO ? a.rows() : a.cols();
        int ka = ta == Transpose.NO ? a.cols() : a.rows();
        int kb = tb == Transpose.NO ? b.rows() : b.cols();
        int n = tb == Transpose.NO ? b.cols() : b.rows();
        if (ka != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(a)" + opShape(a, ta) + " · op(b)" + opShape(b, tb)
                    + " does not fit c" + c.shape());
        }
        disjoint("gemm", "c", c, "a", a);
        disjoint("gemm", "c", c, "b", b);
    }

    public static void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias) {
        nonNull("activation", act);
        open("out", out); open("inp", inp);
        same("activationForward", "out", out, "inp", inp);
        if (bias != null) {
            open("bias", bias);
            bias("activationForward", bias, inp);
            disjoint("activationForward", "inp", inp, "bias", bias);
            disjoint("activationForward", "out", out, "bias", bias);
        }
        inPlaceOrDisjoint("activationForward", "out", out, "inp", inp);
    }

    public static void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out,
                                          Tensor dbias) {
        nonNull("activation", act);
        open("dinp", dinp); open("dout", dout); open("inp", inp); open("out", out);
        same("activationBackward", "dinp", dinp, "dout", dout);
        same("activationBackward", "dinp", dinp, "inp", inp);
        same("activationBackward", "dinp", dinp, "out", out);
        inPlaceOrDisjoint("activationBackward", "dinp", dinp, "dout", dout);
        // identity backward in place (dinp == dout) reads neither inp nor out: columnSums passes dout for both
        boolean pureColumnSum = act.kind() == Activation.Kind.IDENTITY && dinp.sameElements(dout);
        if (!pureColumnSum) {
            disjoint("activationBackward", "dinp", dinp, "inp", inp);
            disjoint("activationBackward", "dinp", dinp, "out", out);
        }
        if (dbias != null) {
            open("dbias", dbias);
            bias("activationBackward", dbias, dinp);
            disjoint("activationBackward", "dbias", dbias, "dinp", dinp);
            disjoint("activationBackward", "dbias", dbias, "dout", dout);
            disjoint("activationBackward", "dbias", dbias, "inp", inp);
            disjoint("activationBackward", "dbias", dbias, "out", out);
        }
    }

    public static void lossForward(Loss loss, Tensor pred, Tensor target) {
        nonNull("loss", loss);
        if (loss.usesLabels()) {
            throw new IllegalArgumentException("cross_entropy takes integer labels: use crossEntropyForward");
        }
        open("pred", pred); open("target", target);
        same("lossForward", "pred", pred, "target", target);
    }

    /**
     * What a loss says of a prediction it refuses: element {@code index} of {@code pred}, which bce needs
     * in [0, 1] (the backends find it; this names it).
     */
    public static IllegalArgumentException predictionOutOfRange(Loss loss, Tensor pred, long index) {
        int cols = Math.max(pred.cols(), 1);
        return new IllegalArgumentException(loss + " takes probabilities in [0, 1] (e.g. a sigmoid output), but "
                + "prediction [" + index / cols + ", " + index % cols + "] of " + pred.shape() + " is "
                + pred.get((int) index) + " (PyTorch refuses it as well; for logits use bce_with_logits)");
    }

    public static void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target) {
        lossForward(loss, pred, target);
        open("dpred", dpred);
        same("lossBackward", "dpred", dpred, "pred", pred);
        disjoint("lossBackward", "dpred", dpred, "pred", pred);
        disjoint("lossBackward", "dpred", dpred, "target", target);
    }

    public static void crossEntropyForward(Tensor logits, Labels labels) {
        open("logits", logits);
        nonNull("labels", labels);
        labels.checkOpen();
        if (labels.length() != logits.rows()) {
            throw new IllegalArgumentException("crossEntropy: " + labels.length() + " labels for logits "
                    + logits.shape() + " (one label per row)");
        }
        if (logits.cols() < 1) {
            throw new IllegalArgumentException("crossEntropy: logits " + logits.shape() + " have no classes");
        }
    }

    /**
     * The error for label {@code value} at {@code row}, outside {@code [0, classes)}. Labels are memory
     * another thread may rewrite, so no check here could hold until the kernel reads them: each backend
     * checks every label as it reads it and throws this.
     */
    public static IllegalArgumentException labelOutOfRange(int row, int value, int classes) {
        return new IllegalArgumentException("crossEntropy: label " + value + " at row " + row
                + " is outside [0, " + classes + ")");
    }

    public static void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels) {
        crossEntropyForward(logits, labels);
        open("dlogits", dlogits);
        same("crossEntropyBackward", "dlogits", dlogits, "logits", logits);
        disjoint("crossEntropyBackward", "dlogits", dlogits, "logits", logits);
    }

    public static void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p) {
        open("out", out); open("mask", mask); open("inp", inp);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        same("dropoutForward", "out", out, "inp", inp);
        same("dropoutForward", "mask", mask, "inp", inp);
        inPlaceOrDisjoint("dropoutForward", "out", out, "inp", inp);
        disjoint("dropoutForward", "mask", mask, "inp", inp);
        disjoint("dropoutForward", "mask", mask, "out", out);
    }

    public static void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask) {
        open("dinp", dinp); open("dout", dout); open("mask", mask);
        same("dropoutBackward", "dinp", dinp, "dout", dout);
        same("dropoutBackward", "dinp", dinp, "mask", mask);
        inPlaceOrDisjoint("dropoutBackward", "dinp", dinp, "dout", dout);
        disjoint("dropoutBackward", "dinp", dinp, "mask", mask);
    }

    public static void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step) {
        nonNull("config", c);
        update("sgdUpdate", param, grad, lr, step);
        state("sgdUpdate", "momentumBuf", momentumBuf, c.momentum() != 0, param, grad, null, null);
    }

    public static void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step) {
        nonNull("config", c);
        update("adagradUpdate", param, grad, lr, step);
        state("adagradUpdate", "sum", sum, true, param, grad, null, null);
    }

    public static void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuf, Tensor gradAvg,
                                     RmspropConfig c, float lr, long step) {
        nonNull("config", c);
        update("rmspropUpdate", param, grad, lr, step);
        state("rmspropUpdate", "squareAvg", squareAvg, true, param, grad, null, null);
        state("rmspropUpdate", "momentumBuf", momentumBuf, c.momentum() != 0, param, grad, squareAvg, null);
        state("rmspropUpdate", "gradAvg", gradAvg, c.centered(), param, grad, squareAvg, momentumBuf);
    }

    /** Adam and AdamW take the same buffers. */
    public static void adamUpdate(String kernel, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq,
                                  Tensor maxExpAvgSq, AdamConfig c, float lr, long step) {
        nonNull("config", c);
        update(kernel, param, grad, lr, step);
        state(kernel, "expAvg", expAvg, true, param, grad, null, null);
        state(kernel, "expAvgSq", expAvgSq, true, param, grad, expAvg, null);
        state(kernel, "maxExpAvgSq", maxExpAvgSq, c.amsgrad(), param, grad, expAvg, expAvgSq);
    }

    private static void update(String kernel, Tensor param, Tensor grad, float lr, long step) {
        open("param", param); open("grad", grad);
        sizes(kernel, "grad", grad, param);
        disjoint(kernel, "param", param, "grad", grad);
        if (!(lr >= 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException(kernel + ": lr must be a finite value >= 0, got " + lr);
        }
        if (step < 1) {
            throw new IllegalArgumentException(kernel + ": step counts from 1, got " + step);
        }
    }

    /** A state buffer: present exactly when required, param-sized, disjoint from param, grad and the others. */
    private static void state(String kernel, String name, Tensor t, boolean required, Tensor param, Tensor grad,
                              Tensor other1, Tensor other2) {
        if (required && t == null) {
            throw new IllegalArgumentException(kernel + ": state buffer " + name + " is required by this configuration");
        }
        if (!required && t != null) {
            throw new IllegalArgumentException(kernel + ": state buffer " + name + " must be null for this configuration");
        }
        if (t == null) {
            return;
        }
        open(name, t);
        sizes(kernel, name, t, param);
        disjoint(kernel, name, t, "param", param);
        disjoint(kernel, name, t, "grad", grad);
        if (other1 != null) {
            disjoint(kernel, name, t, "another state buffer", other1);
        }
        if (other2 != null) {
            disjoint(kernel, name, t, "another state buffer", other2);
        }
    }

    public static void clamp(Tensor x, float lo, float hi) {
        open("x", x);
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lo must be <= hi, got [" + lo + ", " + hi + "]");
        }
    }

    public static void conv2d(String kernel, Tensor x, Tensor y, int outChannels, Tensor weight, Tensor bias,
                              Tensor cols, Window2d g) {
        open("input", x); open("output", y); open("weight", weight); open("cols", cols);
        nonNull("geometry", g);
        image(kernel, "input", x, g.inSize(), g);
        image(kernel, "output", y, outChannels * g.outPlane(), g);
        if (y.rows() != x.rows()) {
            throw new IllegalArgumentException(kernel + ": input" + x.shape() + " and output" + y.shape()
                    + " must have the same rows");
        }
        if (weight.rows() != outChannels || weight.cols() != g.patchSize()) {
            throw new IllegalArgumentException(kernel + ": weight" + weight.shape() + " must be [" + outChannels + ", "
                    + g.patchSize() + "] for " + g);
        }
        if (bias != null) {
            open("bias", bias);
            if (bias.rows() != 1 || bias.cols() != outChannels) {
                throw new IllegalArgumentException(kernel + ": bias" + bias.shape() + " must be [1, " + outChannels + "]");
            }
            disjoint(kernel, "bias", bias, "output", y);
        }
        long need = g.convScratch(outChannels, x.rows());
        if (cols.size() < need) {
            throw new IllegalArgumentException(kernel + ": cols" + cols.shape() + " must hold " + need + " floats for "
                    + x.rows() + " samples of " + g + " (Window2d.convScratch)");
        }
        disjoint(kernel, "output", y, "input", x);
        disjoint(kernel, "output", y, "weight", weight);
        disjoint(kernel, "cols", cols, "input", x);
        disjoint(kernel, "cols", cols, "output", y);
        disjoint(kernel, "cols", cols, "weight", weight);
    }

    public static void pool2d(String kernel, Tensor x, Tensor y, Tensor argmax, Window2d g) {
        open("input", x); open("output", y);
        nonNull("geometry", g);
        image(kernel, "input", x, g.inSize(), g);
        image(kernel, "output", y, g.channels() * g.outPlane(), g);
        if (y.rows() != x.rows()) {
            throw new IllegalArgumentException(kernel + ": input" + x.shape() + " and output" + y.shape()
                    + " must have the same rows");
        }
        disjoint(kernel, "output", y, "input", x);
        if (argmax != null) {
            open("argmax", argmax);
            same(kernel, "argmax", argmax, "output", y);
            disjoint(kernel, "argmax", argmax, "input", x);
            disjoint(kernel, "argmax", argmax, "output", y);
            if (g.inSize() > 1 << 24) {
                throw new IllegalArgumentException(kernel + ": " + g + " has more than 2^24 values per sample");
            }
        }
    }

    /**
     * batchNormForward/Backward: x and y (N, C·S) with C = gamma's size, the per-channel tensors of C
     * values, stats (2, C); in training, more than one value per channel (PyTorch's rule). Returns S.
     */
    public static int batchNorm(String kernel, Tensor x, Tensor y, Tensor stats, Tensor gamma, Tensor beta,
                                Tensor runningMean, Tensor runningVar, boolean training) {
        open("input", x); open("output", y); open("stats", stats); open("gamma", gamma); open("beta", beta);
        int c = gamma.size();
        if (c < 1 || x.cols() % c != 0) {
            throw new IllegalArgumentException(kernel + ": input" + x.shape() + " does not hold " + c
                    + " channels per sample (gamma" + gamma.shape() + ")");
        }
        same(kernel, "output", y, "input", x);
        perChannel(kernel, "beta", beta, c);
        if (runningMean != null) {
            open("running_mean", runningMean); open("running_var", runningVar);
            perChannel(kernel, "running_mean", runningMean, c);
            perChannel(kernel, "running_var", runningVar, c);
            disjoint(kernel, "running_mean", runningMean, "running_var", runningVar);
            for (Tensor t : new Tensor[] {x, y, stats, gamma, beta}) {
                disjoint(kernel, "running_mean", runningMean, "a tensor", t);
                disjoint(kernel, "running_var", runningVar, "a tensor", t);
            }
        }
        if (stats.rows() != 2 || stats.cols() != c) {
            throw new IllegalArgumentException(kernel + ": stats" + stats.shape() + " must be [2, " + c + "]");
        }
        int s = x.cols() / c;
        if (training && (long) x.rows() * s <= 1) {
            throw new IllegalArgumentException(kernel + ": expected more than 1 value per channel when training, got input"
                    + x.shape() + " (" + x.rows() + " sample" + (x.rows() == 1 ? "" : "s") + " of " + c + " channels × "
                    + s + ")");
        }
        normDisjoint(kernel, x, y, stats, gamma, beta);
        return s;
    }

    /** layerNormForward/Backward: x and y (N, K·D) with D = gamma's size, beta D values, stats (2, N·K). */
    public static void layerNorm(String kernel, Tensor x, Tensor y, Tensor stats, Tensor gamma, Tensor beta) {
        open("input", x); open("output", y); open("stats", stats); open("gamma", gamma); open("beta", beta);
        int d = gamma.size();
        if (d < 1 || x.cols() % d != 0) {
            throw new IllegalArgumentException(kernel + ": input" + x.shape() + " rows are not groups of " + d
                    + " values (gamma" + gamma.shape() + ")");
        }
        same(kernel, "output", y, "input", x);
        perChannel(kernel, "beta", beta, d);
        long groups = (long) x.rows() * (x.cols() / d);
        if (stats.rows() != 2 || stats.cols() != groups) {
            throw new IllegalArgumentException(kernel + ": stats" + stats.shape() + " must be [2, " + groups + "]");
        }
        normDisjoint(kernel, x, y, stats, gamma, beta);
    }

    /** The gradients of a norm backward: dgamma and dbeta as gamma, dinp (or null) as inp; none overlapping the rest. */
    public static void normGradients(String kernel, Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp,
                                     Tensor stats, Tensor gamma) {
        open("dgamma", dgamma); open("dbeta", dbeta);
        perChannel(kernel, "dgamma", dgamma, gamma.size());
        perChannel(kernel, "dbeta", dbeta, gamma.size());
        disjoint(kernel, "dgamma", dgamma, "dbeta", dbeta);
        Tensor[] inputs = {dout, inp, stats, gamma};
        for (Tensor t : inputs) {
            disjoint(kernel, "dgamma", dgamma, "an input", t);
            disjoint(kernel, "dbeta", dbeta, "an input", t);
        }
        if (dinp != null) {
            open("dinp", dinp);
            same(kernel, "dinp", dinp, "input", inp);
            for (Tensor t : new Tensor[] {dout, inp, stats, gamma, dgamma, dbeta}) {
                disjoint(kernel, "dinp", dinp, "another tensor", t);
            }
        }
    }

    private static void perChannel(String kernel, String name, Tensor t, int c) {
        if (t.size() != c) {
            throw new IllegalArgumentException(kernel + ": " + name + t.shape() + " must hold " + c + " values");
        }
    }

    private static void normDisjoint(String kernel, Tensor x, Tensor y, Tensor stats, Tensor gamma, Tensor beta) {
        disjoint(kernel, "output", y, "input", x);
        disjoint(kernel, "stats", stats, "input", x);
        disjoint(kernel, "stats", stats, "output", y);
        for (Tensor p : new Tensor[] {gamma, beta}) {
            disjoint(kernel, "output", y, "gamma/beta", p);
            disjoint(kernel, "stats", stats, "gamma/beta", p);
        }
    }

    /** argmax element {@code at} is not an index into a sample of {@code g} (so it is not a forward's argmax). */
    public static IllegalArgumentException badArgmax(String kernel, Tensor argmax, long at, Window2d g) {
        return new IllegalArgumentException(kernel + ": argmax" + argmax.shape() + " element " + at
                + " is not an index within a sample of " + g + " (argmax must come from maxPool2dForward)");
    }

    private static void image(String kernel, String name, Tensor t, int cols, Window2d g) {
        if (t.cols() != cols) {
            throw new IllegalArgumentException(kernel + ": " + name + t.shape() + " must be [N, " + cols + "] for " + g);
        }
    }

    public static void open(String name, Tensor t) {
        nonNull(name, t);
        t.checkOpen();
    }

    public static void nonNull(String name, Object o) {
        if (o == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    /** Same shape. */
    public static void same(String kernel, String an, Tensor a, String bn, Tensor b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(kernel + ": " + an + a.shape() + " and " + bn + b.shape()
                    + " must have the same shape");
        }
    }

    private static void sizes(String kernel, String name, Tensor t, Tensor param) {
        if (t.size() != param.size()) {
            throw new IllegalArgumentException(kernel + ": " + name + t.shape() + " must have as many elements as param"
                    + param.shape());
        }
    }

    private static void bias(String kernel, Tensor bias, Tensor x) {
        if (bias.rows() != 1 || bias.cols() != x.cols()) {
            throw new IllegalArgumentException(kernel + ": bias" + bias.shape() + " must be [1, " + x.cols()
                    + "] for " + x.shape());
        }
    }

    public static void disjoint(String kernel, String an, Tensor a, String bn, Tensor b) {
        if (a.overlaps(b)) {
            throw new IllegalArgumentException(kernel + ": " + an + a.shape() + " overlaps " + bn + b.shape()
                    + " in memory, which this kernel does not allow");
        }
    }

    private static void inPlaceOrDisjoint(String kernel, String an, Tensor a, String bn, Tensor b) {
        if (a.overlaps(b) && !a.sameElements(b)) {
            throw new IllegalArgumentException(kernel + ": " + an + a.shape() + " partly overlaps " + bn + b.shape()
                    + "; pass the very same tensor for in-place use, or disjoint ones");
        }
    }

    private static String opShape(Tensor t, Transpose tr) {
        return tr == Transpose.NO ? t.shape() : "[" + t.cols() + ", " + t.rows() + "]";
    }
}
