// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.jni;


import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.Threads;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Checks;
import dev.gradus.backend.Transpose;
import dev.gradus.backend.internal.TorchScalars;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The fast {@link Backend}: OpenBLAS {@code cblas_sgemm} for GEMM and our C++ kernels
 * ({@link NnKernels}, {@code native/}) for everything else. Every method runs the matching
 * {@link Checks} method, then exactly one native call; a steady-state call allocates nothing on the
 * Java heap.
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
 * works, and a worker the scheduler leaves asleep does not hold a call up. A backend is used from one
 * thread at a time.
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
                NnKernels.scale(c.pointer(), beta, c.size());
            }
            return;
        }
        NnKernels.sgemm(c.pointer(), a.pointer(), b.pointer(), transA == Transpose.NO ? 0 : 1,
                transB == Transpose.NO ? 0 : 1, alpha, beta, m, n, k, a.cols(), b.cols(), c.cols());
    }

    // ---- activations

    @Override
    public void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias) {
        Checks.activationForward(act, out, inp, bias);
        NnKernels.activation_forward(out.pointer(), inp.pointer(), bias == null ? null : bias.pointer(),
                act.kind().code(), act.param(), inp.rows(), inp.cols());
    }

    @Override
    public void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out, Tensor dbias) {
        Checks.activationBackward(act, dinp, dout, inp, out, dbias);
        NnKernels.activation_backward(dinp.pointer(), dbias == null ? null : dbias.pointer(), dout.pointer(),
                inp.pointer(), out.pointer(), act.kind().code(), act.param(), dinp.rows(), dinp.cols());
    }

    // ---- losses

    @Override
    public float lossForward(Loss loss, Tensor pred, Tensor target) {
        Checks.lossForward(loss, pred, target);
        double value = NnKernels.loss_forward(pred.pointer(), target.pointer(), loss.kind().code(), loss.delta(),
                pred.size());
        if (Double.isNaN(value)) {
            long refused = NnKernels.loss_forward_refused();   // the kernel's own reading: nothing to race with
            if (refused >= 0) {
                throw Checks.predictionOutOfRange(loss, pred, refused);
            }
        }
        return (float) value;
    }

    @Override
    public void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target) {
        Checks.lossBackward(loss, dpred, pred, target);
        NnKernels.loss_backward(dpred.pointer(), pred.pointer(), target.pointer(), loss.kind().code(), loss.delta(),
                pred.size());
    }

    @Override
    public float crossEntropyForward(Tensor logits, Labels labels) {
        Checks.crossEntropyForward(logits, labels);
        return (float) NnKernels.crossentropy_softmax_forward(logits.pointer(), labels.pointer(), logits.rows(),
                logits.cols());
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels) {
        Checks.crossEntropyBackward(dlogits, logits, labels);
        NnKernels.crossentropy_softmax_backward(dlogits.pointer(), logits.pointer(), labels.pointer(), logits.rows(),
                logits.cols());
    }

    // ---- dropout

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed) {
        Checks.dropoutForward(out, mask, inp, p);
        float scale = TorchScalars.dropoutScale(p);
        NnKernels.dropout_forward(out.pointer(), mask.pointer(), inp.pointer(), p, scale, seed, inp.size());
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask) {
        Checks.dropoutBackward(dinp, dout, mask);
        NnKernels.dropout_backward(dinp.pointer(), dout.pointer(), mask.pointer(), dinp.size());
    }

    // ---- optimizer updates: the Python-float scalars here, the tensor arithmetic in the kernel

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step) {
        Checks.sgdUpdate(param, grad, momentumBuf, c, lr, step);
        NnKernels.sgd_update(param.pointer(), pointer(momentumBuf), grad.pointer(), TorchScalars.negLr(lr), c.momentum(),
                TorchScalars.oneMinus(c.dampening()), c.weightDecay(), c.nesterov() ? 1 : 0, step == 1 ? 1 : 0,
                param.size());
    }

    @Override
    public void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step) {
        Checks.adagradUpdate(param, grad, sum, c, lr, step);
        NnKernels.adagrad_update(param.pointer(), sum.pointer(), grad.pointer(),
                TorchScalars.adagradNegClr(lr, c.lrDecay(), step), c.weightDecay(), c.eps(),
                param.size());
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuf, Tensor gradAvg,
                              RmspropConfig c, float lr, long step) {
        Checks.rmspropUpdate(param, grad, squareAvg, momentumBuf, gradAvg, c, lr, step);
        NnKernels.rmsprop_update(param.pointer(), squareAvg.pointer(), pointer(momentumBuf), pointer(gradAvg),
                grad.pointer(), TorchScalars.negLr(lr), c.alpha(), TorchScalars.oneMinus(c.alpha()), c.eps(),
                c.weightDecay(), c.momentum(), param.size());
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                           AdamConfig c, float lr, long step) {
        Checks.adamUpdate("adamUpdate", param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
        NnKernels.adam_update(param.pointer(), expAvg.pointer(), expAvgSq.pointer(), pointer(maxExpAvgSq),
                grad.pointer(), TorchScalars.adamNegStepSize(lr, c.beta1(), step), c.beta1(), TorchScalars.oneMinus(c.beta1()),
                c.beta2(), TorchScalars.oneMinus(c.beta2()), TorchScalars.adamBiasCorrection2Sqrt(c.beta2(), step), c.eps(),
                c.weightDecay(), param.size());
    }

    @Override
    public void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            AdamConfig c, float lr, long step) {
        Checks.adamUpdate("adamwUpdate", param, grad, expAvg, expAvgSq, maxExpAvgSq, c, lr, step);
        NnKernels.adamw_update(param.pointer(), expAvg.pointer(), expAvgSq.pointer(), pointer(maxExpAvgSq),
                grad.pointer(), TorchScalars.adamNegStepSize(lr, c.beta1(), step), c.beta1(), TorchScalars.oneMinus(c.beta1()),
                c.beta2(), TorchScalars.oneMinus(c.beta2()), TorchScalars.adamBiasCorrection2Sqrt(c.beta2(), step), c.eps(),
                TorchScalars.adamwDecay(lr, c.weightDecay()), param.size());
    }

    // ---- gradient clipping

    @Override
    public double sumOfSquares(Tensor x) {
        Checks.open("x", x);
        return NnKernels.sum_of_squares(x.pointer(), x.size());
    }

    @Override
    public void scale(Tensor x, float s) {
        Checks.open("x", x);
        NnKernels.scale(x.pointer(), s, x.size());
    }

    @Override
    public void clamp(Tensor x, float lo, float hi) {
        Checks.clamp(x, lo, hi);
        NnKernels.clamp(x.pointer(), lo, hi, x.size());
    }

    private static FloatPointer pointer(Tensor t) {
        return t == null ? null : t.pointer();
    }

    @Override
    public String toString() {
        return "NativeBackend";
    }
}
