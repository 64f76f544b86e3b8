// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Transpose;
import dev.gradus.backend.Window2d;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Backend that times every call of the one it wraps, by kind (each GEMM shape, each activation
 * forward/backward, loss, optimizer update). Native calls are synchronous, so the time between entry and
 * return is the kernel's time plus the call's own (~30 ns, JNI and argument checks); what a step takes
 * outside these calls is the Java overhead between them. For {@link StepProfile} only: it adds two
 * {@code System.nanoTime()} calls and a map look-up to each call.
 */
final class TimingBackend implements Backend {
    /** One kind of call: its label, how often it ran, its total time and (GEMMs) its flops per call. */
    static final class Kind {
        final String label;
        final String category;
        final double flops;
        long calls;
        long nanos;

        Kind(String label, String category, double flops) {
            this.label = label;
            this.category = category;
            this.flops = flops;
        }
    }

    private record GemmKey(int m, int n, int k, Transpose ta, Transpose tb, float beta) { }

    private final Backend inner;
    private final int[] sizes;
    private final Map<Object, Kind> kinds = new LinkedHashMap<>();

    /**
     * @param inner the backend to time
     * @param sizes the network's layer widths (input first), to name each GEMM by its layer
     */
    TimingBackend(Backend inner, int[] sizes) {
        this.inner = inner;
        this.sizes = sizes.clone();
    }

    /** Every kind of call so far, in first-call order. */
    Iterable<Kind> kinds() {
        return kinds.values();
    }

    /** Forgets every count (after a warm-up). */
    void reset() {
        kinds.clear();
    }

    private void add(Object key, String label, String category, double flops, long nanos) {
        Kind k = kinds.get(key);
        if (k == null) {
            k = new Kind(label, category, flops);
            kinds.put(key, k);
        }
        k.calls++;
        k.nanos += nanos;
    }

    /** A call that is not a GEMM: what it is, and the shape it ran on (the label is built once, not per call). */
    private record CallKey(String op, Object detail, int rows, int cols, boolean flag) { }

    private void add(String category, String op, Object detail, int rows, int cols, boolean flag, long nanos) {
        CallKey key = new CallKey(op, detail, rows, cols, flag);
        Kind k = kinds.get(key);
        if (k == null) {
            String d = detail == null ? "" : detail.toString().toLowerCase(java.util.Locale.ROOT) + " ";
            k = new Kind(d + op + (flag ? " (bias fused)" : "") + (rows > 0 ? " " + rows + "x" + cols : ""), category, 0);
            kinds.put(key, k);
        }
        k.calls++;
        k.nanos += nanos;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta) {
        long t0 = System.nanoTime();
        inner.gemm(c, a, transA, b, transB, alpha, beta);
        long t = System.nanoTime() - t0;
        int m = c.rows();
        int n = c.cols();
        int k = transA == Transpose.NO ? a.cols() : a.rows();
        GemmKey key = new GemmKey(m, n, k, transA, transB, beta);
        if (!kinds.containsKey(key)) {
            add(key, gemmLabel(key), "GEMM", 2.0 * m * n * k, t);
        } else {
            add(key, null, null, 0, t);
        }
    }

    /** "layer 2 fwd 256x1024x1024:NT": the layer whose weight (out, in) the product reads or writes. */
    private String gemmLabel(GemmKey g) {
        String tt = (g.ta() == Transpose.NO ? "N" : "T") + (g.tb() == Transpose.NO ? "N" : "T");
        String product;
        int out;
        int in;
        if (tt.equals("NT")) {          // out = inp · Wᵀ: c is (batch, out), K = in
            product = "fwd";
            out = g.n();
            in = g.k();
        } else if (tt.equals("NN")) {   // dinp = dout · W: c is (batch, in), K = out
            product = "dinp";
            out = g.k();
            in = g.n();
        } else {                        // dW += doutᵀ · inp: c is (out, in)
            product = "dW";
            out = g.m();
            in = g.n();
        }
        String layer = "?";
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (sizes[i] == in && sizes[i + 1] == out) {
                layer = Integer.toString(i + 1);
            }
        }
        return "layer " + layer + " " + product + " " + g.m() + "x" + g.n() + "x" + g.k() + ":" + tt;
    }

    @Override
    public void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias) {
        long t0 = System.nanoTime();
        inner.activationForward(act, out, inp, bias);
        add("activations", "forward", act, inp.rows(), inp.cols(), bias != null, System.nanoTime() - t0);
    }

    @Override
    public void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out, Tensor dbias) {
        long t0 = System.nanoTime();
        inner.activationBackward(act, dinp, dout, inp, out, dbias);
        add("activations", "backward", act, dout.rows(), dout.cols(), dbias != null, System.nanoTime() - t0);
    }

    @Override
    public void biasAdd(Tensor z, Tensor bias) {
        long t0 = System.nanoTime();
        inner.biasAdd(z, bias);
        add("activations", "bias add", null, z.rows(), z.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void columnSums(Tensor dbias, Tensor dout) {
        long t0 = System.nanoTime();
        inner.columnSums(dbias, dout);
        add("activations", "bias grad", null, dout.rows(), dout.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public float lossForward(Loss loss, Tensor pred, Tensor target) {
        long t0 = System.nanoTime();
        float v = inner.lossForward(loss, pred, target);
        add("loss", "forward", loss, pred.rows(), pred.cols(), false, System.nanoTime() - t0);
        return v;
    }

    @Override
    public void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target) {
        long t0 = System.nanoTime();
        inner.lossBackward(loss, dpred, pred, target);
        add("loss", "backward", loss, pred.rows(), pred.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public float crossEntropyForward(Tensor logits, Labels labels) {
        long t0 = System.nanoTime();
        float v = inner.crossEntropyForward(logits, labels);
        add("loss", "cross-entropy forward", null, logits.rows(), logits.cols(), false, System.nanoTime() - t0);
        return v;
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels) {
        long t0 = System.nanoTime();
        inner.crossEntropyBackward(dlogits, logits, labels);
        add("loss", "cross-entropy backward", null, logits.rows(), logits.cols(), false, System.nanoTime() - t0);
    }

    private record ConvKey(String op, Window2d g, int rows, int oc) { }

    /** A convolution product: its GEMM work is 2·N·OC·OH·OW·C·kh·kw flops, whichever product it is. */
    private void conv(String op, Window2d g, int rows, int oc, long nanos) {
        ConvKey key = new ConvKey(op, g, rows, oc);
        if (!kinds.containsKey(key)) {
            add(key, "conv2d " + op + " N=" + rows + " OC=" + oc + " " + g, "GEMM",
                    2.0 * rows * oc * g.outPlane() * g.patchSize(), nanos);
        } else {
            add(key, null, null, 0, nanos);
        }
    }

    @Override
    public void conv2dForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, Tensor cols, Window2d g) {
        long t0 = System.nanoTime();
        inner.conv2dForward(out, inp, weight, bias, cols, g);
        conv("fwd", g, inp.rows(), weight.rows(), System.nanoTime() - t0);
    }

    @Override
    public void conv2dBackwardInput(Tensor dinp, Tensor dout, Tensor weight, Tensor cols, Window2d g) {
        long t0 = System.nanoTime();
        inner.conv2dBackwardInput(dinp, dout, weight, cols, g);
        conv("dinp", g, dinp.rows(), weight.rows(), System.nanoTime() - t0);
    }

    @Override
    public void conv2dBackwardWeight(Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor cols, Window2d g) {
        long t0 = System.nanoTime();
        inner.conv2dBackwardWeight(dweight, dbias, dout, inp, cols, g);
        conv("dW", g, inp.rows(), dweight.rows(), System.nanoTime() - t0);
    }

    @Override
    public void maxPool2dForward(Tensor out, Tensor argmax, Tensor inp, Window2d g) {
        long t0 = System.nanoTime();
        inner.maxPool2dForward(out, argmax, inp, g);
        add("pooling", "maxpool forward", g, inp.rows(), inp.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void maxPool2dBackward(Tensor dinp, Tensor dout, Tensor argmax, Window2d g) {
        long t0 = System.nanoTime();
        inner.maxPool2dBackward(dinp, dout, argmax, g);
        add("pooling", "maxpool backward", g, dinp.rows(), dinp.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void avgPool2dForward(Tensor out, Tensor inp, Window2d g, boolean countIncludePad) {
        long t0 = System.nanoTime();
        inner.avgPool2dForward(out, inp, g, countIncludePad);
        add("pooling", "avgpool forward", g, inp.rows(), inp.cols(), countIncludePad, System.nanoTime() - t0);
    }

    @Override
    public void avgPool2dBackward(Tensor dinp, Tensor dout, Window2d g, boolean countIncludePad) {
        long t0 = System.nanoTime();
        inner.avgPool2dBackward(dinp, dout, g, countIncludePad);
        add("pooling", "avgpool backward", g, dinp.rows(), dinp.cols(), countIncludePad, System.nanoTime() - t0);
    }

    @Override
    public void batchNormForward(Tensor out, Tensor stats, Tensor runningMean, Tensor runningVar, Tensor inp,
                                 Tensor gamma, Tensor beta, double eps, double momentum, boolean training) {
        long t0 = System.nanoTime();
        inner.batchNormForward(out, stats, runningMean, runningVar, inp, gamma, beta, eps, momentum, training);
        add("norm", training ? "batchnorm forward (training)" : "batchnorm forward", null, inp.rows(), inp.cols(), false,
                System.nanoTime() - t0);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                                  Tensor gamma, boolean training) {
        long t0 = System.nanoTime();
        inner.batchNormBackward(dinp, dgamma, dbeta, dout, inp, stats, gamma, training);
        add("norm", training ? "batchnorm backward (training)" : "batchnorm backward", null, inp.rows(), inp.cols(), false,
                System.nanoTime() - t0);
    }

    @Override
    public void layerNormForward(Tensor out, Tensor stats, Tensor inp, Tensor gamma, Tensor beta, double eps) {
        long t0 = System.nanoTime();
        inner.layerNormForward(out, stats, inp, gamma, beta, eps);
        add("norm", "layernorm forward", null, inp.rows(), inp.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                                  Tensor gamma) {
        long t0 = System.nanoTime();
        inner.layerNormBackward(dinp, dgamma, dbeta, dout, inp, stats, gamma);
        add("norm", "layernorm backward", null, inp.rows(), inp.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed) {
        long t0 = System.nanoTime();
        inner.dropoutForward(out, mask, inp, p, seed);
        add("activations", "dropout forward", null, inp.rows(), inp.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask) {
        long t0 = System.nanoTime();
        inner.dropoutBackward(dinp, dout, mask);
        add("activations", "dropout backward", null, dout.rows(), dout.cols(), false, System.nanoTime() - t0);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step) {
        long t0 = System.nanoTime();
        inner.sgdUpdate(param, grad, momentumBuf, c, lr, step);
        add("optimizer", "sgd update", null, 1, param.size(), false, System.nanoTime() - t0);
    }

    @Override
    public void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step) {
        long t0 = System.nanoTime();
        inner.adagradUpdate(param, grad, sum, c, lr, step);
        add("optimizer", "adagrad update", null, 1, param.size(), false, System.nanoTime() - t0);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuf, Tensor gradAvg,
                              RmspropConfig c, float lr, long step) {
        long t0 = System.nanoTime();
        inner.rmspropUpdate(param, grad, squareAvg, momentumBuf, gradAvg, c, lr, step);
        add("optimizer", "rmsprop update", null, 1, param.size(), false, System.nanoTime() - t0);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                           AdamConfig c, float lr, long step) {
        long t0 = System.nanoTime();
        inner.adamUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
        add("optimizer", "adam update", null, 1, param.size(), false, System.nanoTime() - t0);
    }

    @Override
    public void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            AdamConfig c, float lr, long step) {
        long t0 = System.nanoTime();
        inner.adamwUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
        add("optimizer", "adamw update", null, 1, param.size(), false, System.nanoTime() - t0);
    }

    @Override
    public double sumOfSquares(Tensor x) {
        long t0 = System.nanoTime();
        double v = inner.sumOfSquares(x);
        add("optimizer", "sum of squares", null, 1, x.size(), false, System.nanoTime() - t0);
        return v;
    }

    @Override
    public void zero(Tensor x) {   // inside zeroGrad, which StepProfile times as a whole
        inner.zero(x);
    }

    @Override
    public void scale(Tensor x, float s) {
        long t0 = System.nanoTime();
        inner.scale(x, s);
        add("optimizer", "scale", null, 1, x.size(), false, System.nanoTime() - t0);
    }

    @Override
    public void clamp(Tensor x, float lo, float hi) {
        long t0 = System.nanoTime();
        inner.clamp(x, lo, hi);
        add("optimizer", "clamp", null, 1, x.size(), false, System.nanoTime() - t0);
    }
}
