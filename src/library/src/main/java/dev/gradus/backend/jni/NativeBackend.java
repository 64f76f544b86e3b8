// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;

import static dev.gradus.backend.internal.InUse.address;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.Threads;
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
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The fast {@link Backend}: OpenBLAS {@code cblas_sgemm} for GEMM and our C++ kernels
 * ({@code NnKernels}, {@code native/}) for everything else. Every method runs the matching
 * {@link Checks} method, then exactly one native call with the tensors held ({@link InUse}), so a
 * tensor closed by another thread meanwhile is an exception, never freed memory under a kernel; a
 * steady-state call allocates nothing on the Java heap.
 *
 * <p>GEMM with {@code (OC, C)} weights, row-major, {@code lda/ldb/ldc} = the stored column counts:
 * <ul>
 * <li>forward {@code out = inp·Wᵀ}: {@code sgemm(NoTrans, Trans, N, OC, C)}</li>
 * <li>{@code dinp = dout·W}: {@code sgemm(NoTrans, NoTrans, N, C, OC)}</li>
 * <li>{@code dW += doutᵀ·inp}: {@code sgemm(Trans, NoTrans, OC, C, N, beta = 1)}</li>
 * </ul>
 *
 * <p>Threads: one pool of {@link Threads#get()} threads, in the kernel library. Large GEMMs are cut into
 * blocks of the output, each block one single-threaded {@code cblas_sgemm}, claimed by the caller and
 * the pool's workers; OpenBLAS's own threading stays at 1. So no second pool spins while the first
 * works, and a worker the scheduler leaves asleep does not hold a call up. Stateless: threads may share
 * a backend (concurrent parallel calls take turns on the pool), each with its own output tensors.
 */
public final class NativeBackend implements Backend {
    private static boolean loaded;
    private static Throwable loadFailure;

    /** @throws IllegalStateException naming the library when the natives cannot be loaded */
    public NativeBackend() {
        load();
    }

    /**
     * Loads OpenBLAS and the kernel library once per process and applies {@link Threads#get()}.
     * @throws IllegalStateException naming the library and the fallback when loading fails
     * @throws IllegalArgumentException naming the system property when {@code gradus.threads} or
     *         {@code gradus.denormals} has a bad value
     */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        int threads = Threads.get();           // a bad property is the user's error, not a load failure
        boolean flush = flushFromProperty();
        if (loadFailure == null) {
            try {
                Loader.load(openblas_nolapack.class);
                Loader.load(NnKernels.class);
                NnKernels.nnk_set_flush_denormals(flush ? 1 : 0);
                loaded = true;
            } catch (Throwable t) {   // UnsatisfiedLinkError, ExceptionInInitializerError, ...
                loadFailure = t;
            }
        }
        if (!loaded) {
            throw new IllegalStateException("the native backend could not load its libraries (libnnkernels and "
                    + "OpenBLAS via JavaCPP, platform " + Loader.getPlatform() + "): " + loadFailure
                    + ". Use the pure-Java backend instead: --backend java, or -Dgradus.backend=java", loadFailure);
        }
        applyThreads(threads);
    }

    /** True once the natives are loaded in this process. */
    public static synchronized boolean isLoaded() {
        return loaded;
    }

    /** Gives the kernel pool {@code n} threads and OpenBLAS one; does nothing before the natives load. */
    public static synchronized void applyThreads(int n) {
        if (loaded) {
            NnKernels.nnk_set_threads(n);
            openblas_nolapack.blas_set_num_threads(1);   // OpenBLAS runs inside our pool's GEMM blocks
        }
    }

    /** What runs: the kernels' ISA clone, OpenBLAS's build and thread counts. Loads the natives. */
    public static NativeInfo info() {
        load();
        return new NativeInfo(NnKernels.nnk_isa(), NnKernels.nnk_blas_config(), NnKernels.nnk_blas_core(),
                NnKernels.nnk_blas_threads(),
                NnKernels.nnk_threads(), NnKernels.nnk_parallel_threshold(), NnKernels.nnk_gemm_threshold(),
                NnKernels.nnk_flush_denormals() != 0);
    }

    /**
     * A warning when the OpenBLAS kernel that runs is below the best this CPU supports (typically
     * {@value BlasKernelCheck#VARIABLE} set in the environment), empty otherwise. The setting is respected;
     * this only says what it costs. Computed once per process (OpenBLAS picks its kernel once, at load).
     */
    public static synchronized java.util.Optional<String> blasKernelWarning() {
        load();
        if (blasWarning == null) {
            blasWarning = BlasKernelCheck.warning(NnKernels.nnk_blas_core());
        }
        return blasWarning;
    }

    private static java.util.Optional<String> blasWarning;

    /**
     * Whether native kernels (GEMM included) flush subnormal floats, those below 1.2e-38, to zero
     * (the x86 FTZ and DAZ modes, set on entry and restored on return, so Java arithmetic on the
     * calling thread is never affected).
     *
     * <p>On by default, as in TensorFlow and JAX on CPUs: on many x86 CPUs every operation on a
     * subnormal costs a microcode assist of ~100 cycles, and training produces them routinely. The
     * momentum of a weight whose gradient is always zero (an MNIST border pixel) decays into them and,
     * rounded back up at each step, stays there: on network A that made the SGD update 4× slower than
     * the GEMMs and the whole epoch 2× slower. The results differ from PyTorch's defaults (and from
     * the Java reference) only where a value would be subnormal. {@code false} keeps IEEE arithmetic,
     * bit-identical to them; PyTorch's {@code torch.set_flush_denormal(True)} is the equivalent of
     * {@code true}. The system property {@value #DENORMALS_PROPERTY} ({@code flush} or {@code keep})
     * sets it at load. Process-wide; call it between kernel calls.
     */
    public static synchronized void setFlushDenormals(boolean flush) {
        load();
        NnKernels.nnk_set_flush_denormals(flush ? 1 : 0);
    }

    /** The system property that sets {@link #setFlushDenormals} at load: {@code flush} (default) or {@code keep}. */
    public static final String DENORMALS_PROPERTY = "gradus.denormals";

    private static boolean flushFromProperty() {
        String v = System.getProperty(DENORMALS_PROPERTY, "flush").trim();
        return switch (v) {
            case "flush" -> true;
            case "keep" -> false;
            default -> throw new IllegalArgumentException("system property " + DENORMALS_PROPERTY
                    + " must be 'flush' or 'keep', got '" + v + "'");
        };
    }

    @Override
    public String name() {
        return "native";
    }

    // ---- linear algebra
    // Every kernel: the Checks method, then the tensors held (InUse) for exactly one native call.

    @Override
    public void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta) {
        Checks.gemm(c, a, transA, b, transB);
        int m = c.rows(), n = c.cols();
        int k = transA == Transpose.NO ? a.cols() : a.rows();
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {   // nothing to multiply: c = beta·c, and beta == 0 ignores c as BLAS does
            if (beta == 0f) {
                c.zero();
            } else {
                scale(c, beta);
            }
            return;
        }
        InUse.acquire(c, a, b);
        try {
            NnKernels.sgemm(address(c), address(a), address(b), transA == Transpose.NO ? 0 : 1,
                    transB == Transpose.NO ? 0 : 1, alpha, beta, m, n, k, a.cols(), b.cols(), c.cols());
        } finally {
            InUse.release(c, a, b);
        }
    }

    // ---- activations

    @Override
    public void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias) {
        Checks.activationForward(act, out, inp, bias);
        InUse.acquire(out, inp, bias);
        try {
            NnKernels.activation_forward(address(out), address(inp), address(bias), act.kind().code(),
                    act.param(), inp.rows(), inp.cols());
        } finally {
            InUse.release(out, inp, bias);
        }
    }

    @Override
    public void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out, Tensor dbias) {
        Checks.activationBackward(act, dinp, dout, inp, out, dbias);
        InUse.acquire(dinp, dbias, dout, inp, out);
        try {
            NnKernels.activation_backward(address(dinp), address(dbias), address(dout), address(inp),
                    address(out), act.kind().code(), act.param(), dinp.rows(), dinp.cols());
        } finally {
            InUse.release(dinp, dbias, dout, inp, out);
        }
    }

    // ---- losses

    @Override
    public float lossForward(Loss loss, Tensor pred, Tensor target) {
        Checks.lossForward(loss, pred, target);
        InUse.acquire(pred, target);
        try {
            double value = NnKernels.loss_forward(address(pred), address(target), loss.kind().code(), loss.delta(),
                    pred.size());
            if (Double.isNaN(value)) {
                long refused = NnKernels.loss_forward_refused();   // the kernel's own reading: nothing to race with
                if (refused >= 0) {
                    throw Checks.predictionOutOfRange(loss, pred, refused);
                }
            }
            return (float) value;
        } finally {
            InUse.release(pred, target);
        }
    }

    @Override
    public void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target) {
        Checks.lossBackward(loss, dpred, pred, target);
        InUse.acquire(dpred, pred, target);
        try {
            NnKernels.loss_backward(address(dpred), address(pred), address(target), loss.kind().code(),
                    loss.delta(), pred.size());
        } finally {
            InUse.release(dpred, pred, target);
        }
    }

    @Override
    public float crossEntropyForward(Tensor logits, Labels labels) {
        Checks.crossEntropyForward(logits, labels);
        double loss;
        InUse.acquire(logits, null, labels);
        try {
            loss = NnKernels.crossentropy_softmax_forward(address(logits), address(labels), logits.rows(), logits.cols());
        } finally {
            InUse.release(logits, null, labels);
        }
        if (Double.isNaN(loss)) {   // NaN logits, or a label the kernel found out of range as it read it
            checkLabel(NnKernels.nnk_bad_label(), logits);
        }
        return (float) loss;
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels) {
        Checks.crossEntropyBackward(dlogits, logits, labels);
        long bad;
        InUse.acquire(dlogits, logits, labels);
        try {
            bad = NnKernels.crossentropy_softmax_backward(address(dlogits), address(logits), address(labels),
                    logits.rows(), logits.cols());
        } finally {
            InUse.release(dlogits, logits, labels);
        }
        checkLabel(bad, logits);
    }

    /** The kernel's report of a label outside [0, C): row << 32 | the label's bits, or -1. */
    private static void checkLabel(long bad, Tensor logits) {
        if (bad >= 0) {
            throw Checks.labelOutOfRange((int) (bad >>> 32), (int) bad, logits.cols());
        }
    }

    // ---- convolution and pooling

    @Override
    public void conv2dForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dForward", inp, out, weight.rows(), weight, bias, cols, g);
        InUse.acquire(out, inp, weight, bias, cols);
        try {
            NnKernels.conv2d_forward(address(out), address(inp), address(weight), bias == null ? 0 : address(bias),
                    address(cols), inp.rows(), weight.rows(), g.convGroup(weight.rows(), inp.rows()), g.convSlots(weight.rows(), inp.rows()), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
        } finally {
            InUse.release(out, inp, weight, bias, cols);
        }
    }

    @Override
    public void conv2dBackwardInput(Tensor dinp, Tensor dout, Tensor weight, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dBackwardInput", dinp, dout, weight.rows(), weight, null, cols, g);
        InUse.acquire(dinp, dout, weight, cols, null);
        try {
            NnKernels.conv2d_backward_input(address(dinp), address(dout), address(weight), address(cols),
                    dinp.rows(), weight.rows(), g.convGroup(weight.rows(), dinp.rows()), g.convSlots(weight.rows(), dinp.rows()), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
        } finally {
            InUse.release(dinp, dout, weight, cols, null);
        }
    }

    @Override
    public void conv2dBackwardWeight(Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor cols, Window2d g) {
        Checks.conv2d("conv2dBackwardWeight", inp, dout, dweight.rows(), dweight, dbias, cols, g);
        InUse.acquire(dweight, dbias, dout, inp, cols);
        try {
            NnKernels.conv2d_backward_weight(address(dweight), dbias == null ? 0 : address(dbias), address(dout),
                    address(inp), address(cols), inp.rows(), dweight.rows(), g.convGroup(dweight.rows(), inp.rows()), g.convSlots(dweight.rows(), inp.rows()), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
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
            NnKernels.maxpool2d_forward(address(out), address(argmax), address(inp), inp.rows(), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
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
            bad = NnKernels.maxpool2d_backward(address(dinp), address(dout), address(argmax), dinp.rows(), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
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
            NnKernels.avgpool2d_forward(address(out), address(inp), countIncludePad ? 1 : 0, inp.rows(), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
        } finally {
            InUse.release(out, inp);
        }
    }

    @Override
    public void avgPool2dBackward(Tensor dinp, Tensor dout, Window2d g, boolean countIncludePad) {
        Checks.pool2d("avgPool2dBackward", dinp, dout, null, g);
        InUse.acquire(dinp, dout);
        try {
            NnKernels.avgpool2d_backward(address(dinp), address(dout), countIncludePad ? 1 : 0, dinp.rows(), g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
        } finally {
            InUse.release(dinp, dout);
        }
    }

    // ---- normalization

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
                NnKernels.batchnorm_forward(address(out), address(stats), address(runningMean), address(runningVar),
                        address(inp), address(gamma), address(beta), eps, momentum, training ? 1 : 0, inp.rows(),
                        gamma.size(), s);
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
                NnKernels.batchnorm_backward(address(dinp), address(dgamma), address(dbeta), address(dout), address(inp),
                        address(stats), address(gamma), training ? 1 : 0, inp.rows(), gamma.size(), s);
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
            NnKernels.layernorm_forward(address(out), address(stats), address(inp), address(gamma), address(beta), eps,
                    stats.cols(), gamma.size());
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
                NnKernels.layernorm_backward(address(dinp), address(dgamma), address(dbeta), address(dout), address(inp),
                        address(stats), address(gamma), stats.cols(), gamma.size());
            } finally {
                InUse.release(stats, gamma);
            }
        } finally {
            InUse.release(dinp, dgamma, dbeta, dout, inp);
        }
    }

    // ---- dropout

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed) {
        Checks.dropoutForward(out, mask, inp, p);
        float scale = TorchScalars.dropoutScale(p);
        InUse.acquire(out, mask, inp);
        try {
            NnKernels.dropout_forward(address(out), address(mask), address(inp), p, scale, seed, inp.size());
        } finally {
            InUse.release(out, mask, inp);
        }
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask) {
        Checks.dropoutBackward(dinp, dout, mask);
        InUse.acquire(dinp, dout, mask);
        try {
            NnKernels.dropout_backward(address(dinp), address(dout), address(mask), dinp.size());
        } finally {
            InUse.release(dinp, dout, mask);
        }
    }

    // ---- optimizer updates: the Python-float scalars here, the tensor arithmetic in the kernel

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step) {
        Checks.sgdUpdate(param, grad, momentumBuf, c, lr, step);
        InUse.acquire(param, momentumBuf, grad);
        try {
            NnKernels.sgd_update(address(param), address(momentumBuf), address(grad), TorchScalars.negLr(lr),
                    c.momentum(), TorchScalars.oneMinus(c.dampening()), c.weightDecay(), c.nesterov() ? 1 : 0,
                    step == 1 ? 1 : 0, param.size());
        } finally {
            InUse.release(param, momentumBuf, grad);
        }
    }

    @Override
    public void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step) {
        Checks.adagradUpdate(param, grad, sum, c, lr, step);
        InUse.acquire(param, sum, grad);
        try {
            NnKernels.adagrad_update(address(param), address(sum), address(grad),
                    TorchScalars.adagradNegClr(lr, c.lrDecay(), step), c.weightDecay(), c.eps(), param.size());
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
            NnKernels.rmsprop_update(address(param), address(squareAvg), address(momentumBuf),
                    address(gradAvg), address(grad), TorchScalars.negLr(lr), c.alpha(),
                    TorchScalars.oneMinus(c.alpha()), c.eps(), c.weightDecay(), c.momentum(), param.size());
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
            NnKernels.adam_update(address(param), address(expAvg), address(expAvgSq), address(maxExpAvgSq),
                    address(grad), TorchScalars.adamNegStepSize(lr, c.beta1(), step), c.beta1(),
                    TorchScalars.oneMinus(c.beta1()), c.beta2(), TorchScalars.oneMinus(c.beta2()),
                    TorchScalars.adamBiasCorrection2Sqrt(c.beta2(), step), c.eps(), c.weightDecay(), param.size());
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
            NnKernels.adamw_update(address(param), address(expAvg), address(expAvgSq), address(maxExpAvgSq),
                    address(grad), TorchScalars.adamNegStepSize(lr, c.beta1(), step), c.beta1(),
                    TorchScalars.oneMinus(c.beta1()), c.beta2(), TorchScalars.oneMinus(c.beta2()),
                    TorchScalars.adamBiasCorrection2Sqrt(c.beta2(), step), c.eps(),
                    TorchScalars.adamwDecay(lr, c.weightDecay()), param.size());
        } finally {
            InUse.release(param, expAvg, expAvgSq, maxExpAvgSq, grad);
        }
    }

    // ---- gradient clipping

    @Override
    public double sumOfSquares(Tensor x) {
        Checks.open("x", x);
        InUse.acquire(x);
        try {
            return NnKernels.sum_of_squares(address(x), x.size());
        } finally {
            InUse.release(x);
        }
    }

    @Override
    public void scale(Tensor x, float s) {
        Checks.open("x", x);
        InUse.acquire(x);
        try {
            NnKernels.scale(address(x), s, x.size());
        } finally {
            InUse.release(x);
        }
    }

    @Override
    public void zero(Tensor x) {
        Checks.open("x", x);
        InUse.acquire(x);
        try {
            NnKernels.fill_zero(address(x), x.size());
        } finally {
            InUse.release(x);
        }
    }

    @Override
    public void clamp(Tensor x, float lo, float hi) {
        Checks.clamp(x, lo, hi);
        InUse.acquire(x);
        try {
            NnKernels.clamp(address(x), lo, hi, x.size());
        } finally {
            InUse.release(x);
        }
    }

    @Override
    public String toString() {
        return "NativeBackend";
    }
}
