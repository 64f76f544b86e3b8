// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.backend.reference.ReferenceBackend;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;

/**
 * The one seam between the model and the arithmetic: every kernel the model and the optimizers
 * need. {@code ReferenceBackend} is pure Java (plain loops, the oracle); {@code NativeBackend} runs
 * OpenBLAS {@code cblas_sgemm} and our C++ kernels. Both compute the same functions; tests prove it.
 *
 * <p><b>Sizes.</b> {@code N} = batch rows, {@code C} = features of a row (in features of a layer),
 * {@code OC} = out features. Everything is row-major float32; a dense weight is {@code (OC, C)}.
 *
 * <p><b>Contract</b> (the same for every implementation, checked in Java before any native call):
 * <ul>
 * <li>Shapes are checked; a mismatch throws {@link IllegalArgumentException} naming the shapes.
 *     A closed tensor throws {@link IllegalStateException}.</li>
 * <li>Forward kernels overwrite their outputs. Backward kernels <em>overwrite</em> activation
 *     gradients ({@code dinp}, {@code dpred}, {@code dlogits}: per-step workspaces, so no pass is
 *     spent zeroing them) and <em>accumulate</em> ({@code +=}) into parameter gradients
 *     ({@code dbias}, and GEMM with {@code beta = 1} for weights), so gradients of several batches can
 *     be summed; callers zero parameter gradients before a step.</li>
 * <li>Aliasing: an output may not overlap any input, except where a method says that the
 *     very same tensor may be passed (in place). Partial overlap is always rejected.</li>
 * <li>Kernels never allocate.</li>
 * </ul>
 */
public interface Backend {

    /** The system property that {@link #fromSystemProperty()} reads: "native" (the default) or "java". */
    String PROPERTY = "gradus.backend";

    /**
     * The backend of that name, as on the command line ({@code --backend}): "native" is
     * {@code NativeBackend} (loads the native libraries, and throws {@link IllegalStateException}
     * naming them when they cannot load), "java" is {@code ReferenceBackend}.
     * @throws IllegalArgumentException for any other name
     */
    static Backend named(String name) {
        if (name == null) {
            throw new IllegalArgumentException("backend name must not be null (known: native, java)");
        }
        return switch (name) {
            case "native" -> new NativeBackend();
            case "java" -> new ReferenceBackend();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (known: native, java)");
        };
    }

    /**
     * The backend named by the system property {@value #PROPERTY} ({@code -Dgradus.backend=java}),
     * "native" when it is not set. Read at each call; nothing is cached or global.
     */
    static Backend fromSystemProperty() {
        return named(System.getProperty(PROPERTY, "native"));
    }

    /** "native" or "java", as on the command line. */
    String name();

    // ---- linear algebra ------------------------------------------------------------------

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c}, op being the identity or the transpose.
     * op(a) is (M, K), op(b) is (K, N'), c is (M, N'). {@code c} may not overlap {@code a} or {@code b}.
     * With {@code beta == 0}, c's previous contents are ignored (even NaN), as in BLAS.
     */
    void gemm(Tensor c, Tensor a, Transpose transA, Tensor b, Transpose transB, float alpha, float beta);

    // ---- activations (bias fused in) -------------------------------------------------------

    /**
     * {@code inp += bias} (row-broadcast, in place, when {@code bias} is not null), then
     * {@code out = act(inp)}. inp and out are (N, C), bias is (1, C) or null. After the call
     * {@code inp} holds the pre-activation that {@link #activationBackward} needs.
     * {@code out} may be the very same tensor as {@code inp} (in place; the pre-activation is then lost).
     */
    void activationForward(Activation act, Tensor out, Tensor inp, Tensor bias);

    /**
     * {@code dinp = dout ⊙ act'(inp)} (for softmax: the row-wise Jacobian product
     * {@code out ⊙ (dout − Σ dout·out)}), then, when {@code dbias} is not null, {@code dbias += Σ_rows dinp}.
     * dinp, dout, inp, out are (N, C): {@code inp} is the pre-activation and {@code out} the activation
     * from {@link #activationForward}; a kernel reads whichever it needs. dbias is (1, C) or null.
     * {@code dinp} may be the very same tensor as {@code dout} (in place).
     */
    void activationBackward(Activation act, Tensor dinp, Tensor dout, Tensor inp, Tensor out, Tensor dbias);

    /** {@code z += bias}, row-broadcast; z is (N, C), bias (1, C). */
    default void biasAdd(Tensor z, Tensor bias) {
        activationForward(Activation.IDENTITY, z, z, bias);
    }

    /** {@code dbias += Σ_rows dout} (the bias gradient); dout is (N, C), dbias (1, C). */
    default void columnSums(Tensor dbias, Tensor dout) {
        activationBackward(Activation.IDENTITY, dout, dout, dout, dout, dbias);
    }

    // ---- losses ----------------------------------------------------------------------------

    /**
     * The mean loss of predictions against float targets, both (N, C), for every loss but
     * cross-entropy (see {@link Loss} for the definitions). Accumulated in double.
     * @throws IllegalArgumentException naming the first element, when bce gets a prediction outside [0, 1]
     */
    float lossForward(Loss loss, Tensor pred, Tensor target);

    /** {@code dpred = ∂ mean-loss / ∂ pred}; dpred, pred, target are (N, C). */
    void lossBackward(Loss loss, Tensor dpred, Tensor pred, Tensor target);

    /**
     * Softmax cross-entropy on logits (N, C) with integer labels (N), the mean over the batch.
     * Every label must be in {@code [0, C)}.
     */
    float crossEntropyForward(Tensor logits, Labels labels);

    /** {@code dlogits = (softmax(logits) − onehot(labels)) / N}; dlogits and logits are (N, C). */
    void crossEntropyBackward(Tensor dlogits, Tensor logits, Labels labels);

    // ---- dropout ---------------------------------------------------------------------------

    /**
     * Inverted dropout: {@code mask[i] = keep(seed, i) ? scale : 0}, {@code out = inp ⊙ mask}, with
     * {@code scale = 1f / (float) (1 − p)} (p as a Python float, as torch rounds it) and
     * {@code keep} a counter-based hash of (seed, i), the same in every backend, so results do not
     * depend on the backend or the thread count. {@code 0 <= p < 1}. out may be inp (in place).
     * Exactly, with i the row-major element index and 64-bit wrapping arithmetic ({@code >>>} logical):
     * <pre>
     *   splitmix64(x): z = x + 0x9E3779B97F4A7C15; z = (z ^ (z >>> 30)) · 0xBF58476D1CE4E5B9;
     *                  z = (z ^ (z >>> 27)) · 0x94D049BB133111EB; return z ^ (z >>> 31)
     *   keep(seed, i) = (splitmix64(seed ^ (i · 0x9E3779B97F4A7C15)) >>> 40) >= floor(p · 2^24)
     * </pre>
     * (p · 2^24 exact in double; the same definition is in {@code native/include/nn_kernels.h}.)
     */
    void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed);

    /** {@code dinp = dout ⊙ mask}; dinp may be dout (in place). */
    void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask);

    // ---- convolution and pooling over NCHW rows: sample n of (N, C·H·W) is its C planes of H·W ----

    /**
     * {@code out = conv2d(inp, weight) + bias} as {@code torch.nn.functional.conv2d} (cross-correlation,
     * zero padding, groups 1): inp (N, C·H·W), weight (OC, C·kh·kw) (PyTorch's [OC, C, kh, kw]), bias
     * (1, OC) or null, out (N, OC·OH·OW). {@code cols} is scratch of at least
     * {@link Window2d#convScratch g.convScratch(OC, N)} floats, overwritten.
     */
    void conv2dForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, Tensor cols, Window2d g);

    /** {@code dinp} (N, C·H·W) = the gradient w.r.t. conv2d's input, overwritten; cols as for forward. */
    void conv2dBackwardInput(Tensor dinp, Tensor dout, Tensor weight, Tensor cols, Window2d g);

    /**
     * {@code dweight += ∂/∂weight}, {@code dbias += Σ dout} per output channel (dbias may be null, no
     * bias); inp is the forward's input; cols as for forward.
     */
    void conv2dBackwardWeight(Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor cols, Window2d g);

    /**
     * {@code torch.nn.functional.max_pool2d} per channel (floor mode, padding counts as −∞, g's
     * dilation honoured): out (N, C·OH·OW); {@code argmax} (same shape) receives, as a float, the index
     * within the sample's C·H·W of the element each window took: the first maximal one in row-major
     * order, or the last NaN (a NaN wins, as in PyTorch). C·H·W must be at most 2^24.
     */
    void maxPool2dForward(Tensor out, Tensor argmax, Tensor inp, Window2d g);

    /** {@code dinp} (N, C·H·W) = dout routed to each window's argmax (summed where windows share it), overwritten. */
    void maxPool2dBackward(Tensor dinp, Tensor dout, Tensor argmax, Window2d g);

    /**
     * {@code torch.nn.functional.avg_pool2d} (floor mode, dilation 1): each window's sum divided by its
     * size clipped to the padded input ({@code countIncludePad}) or by its real elements.
     */
    void avgPool2dForward(Tensor out, Tensor inp, Window2d g, boolean countIncludePad);

    /** {@code dinp} = avgPool2dForward's gradient, overwritten. */
    void avgPool2dBackward(Tensor dinp, Tensor dout, Window2d g, boolean countIncludePad);

    // ---- normalization ------------------------------------------------------------------------

    /**
     * {@code torch.nn.functional.batch_norm} with affine γ, β: inp and out are (N, C·S), each sample C
     * channels of S values (S = H·W for BatchNorm2d, 1 for BatchNorm1d on (N, C)), C = gamma's size;
     * gamma, beta, runningMean, runningVar hold C values, {@code stats} (2, C) receives each channel's
     * mean and 1/√(var + eps) for the backward. In {@code training} mode the statistics are the batch
     * mean and biased variance over the N·S values of each channel (more than one value needed), then
     * {@code running = momentum·batch + (1 − momentum)·running}, with the unbiased variance; otherwise
     * the running statistics, left unchanged. {@code out = (x − mean)/√(var + eps)·γ + β}.
     */
    void batchNormForward(Tensor out, Tensor stats, Tensor runningMean, Tensor runningVar, Tensor inp, Tensor gamma,
                          Tensor beta, double eps, double momentum, boolean training);

    /**
     * batchNormForward's gradients: {@code dgamma += Σ dout·x̂}, {@code dbeta += Σ dout} per channel;
     * {@code dinp} (null: not wanted) = the input gradient, overwritten, through the batch statistics when
     * {@code training} (as the forward was), with {@code stats} as constants otherwise.
     */
    void batchNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                           Tensor gamma, boolean training);

    /**
     * {@code torch.nn.functional.layer_norm} with affine γ, β over the last D = gamma's size values:
     * inp and out are (N, K·D), each row K groups of D consecutive values, each group normalized with its
     * mean and biased variance; {@code stats} (2, N·K) receives each group's mean and 1/√(var + eps).
     */
    void layerNormForward(Tensor out, Tensor stats, Tensor inp, Tensor gamma, Tensor beta, double eps);

    /**
     * layerNormForward's gradients: {@code dgamma}, {@code dbeta} (D values) accumulate; {@code dinp}
     * (null: not wanted) = the input gradient, overwritten.
     */
    void layerNormBackward(Tensor dinp, Tensor dgamma, Tensor dbeta, Tensor dout, Tensor inp, Tensor stats,
                           Tensor gamma);

    // ---- optimizer updates: one pass over a contiguous parameter buffer ---------------------

    /**
     * One step of {@code torch.optim.SGD}, {@code step} counting from 1. {@code lr} is the current
     * (possibly scheduled) rate; {@code c.lr()} is ignored. {@code momentumBuf} is null when
     * {@code c.momentum() == 0}. The rule is in {@code dev.gradus.optim.Sgd}.
     */
    void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuf, SgdConfig c, float lr, long step);

    /** One step of {@code torch.optim.Adagrad}; rule in {@code dev.gradus.optim.Adagrad}. */
    void adagradUpdate(Tensor param, Tensor grad, Tensor sum, AdagradConfig c, float lr, long step);

    /**
     * One step of {@code torch.optim.RMSprop}; {@code momentumBuf} is null when momentum is 0 and
     * {@code gradAvg} is null unless centered. Rule in {@code dev.gradus.optim.Rmsprop}.
     */
    void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuf, Tensor gradAvg,
                       RmspropConfig c, float lr, long step);

    /**
     * One step of {@code torch.optim.Adam} (weight decay added to the gradient, L2); {@code maxExpAvgSq}
     * is null unless AMSGrad. Rule in {@code dev.gradus.optim.Adam}.
     */
    void adamUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                    AdamConfig c, float lr, long step);

    /** One step of {@code torch.optim.AdamW} (decoupled weight decay); otherwise as {@link #adamUpdate}. */
    void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                     AdamConfig c, float lr, long step);

    // ---- gradient clipping -------------------------------------------------------------------

    /** Σ x², accumulated in double (the squared global norm when x is the whole gradient buffer). */
    double sumOfSquares(Tensor x);

    /** {@code x *= s}, in place. */
    void scale(Tensor x, float s);

    /**
     * {@code x = +0} (a network's {@code zeroGrad}). Native: split as the optimizer's update of the same
     * buffer is, so that each thread zeroes the gradients it then computes and reads.
     */
    void zero(Tensor x);

    /** {@code x = min(max(x, lo), hi)}, in place (clipping by value); {@code lo <= hi}. */
    void clamp(Tensor x, float lo, float hi);
}
