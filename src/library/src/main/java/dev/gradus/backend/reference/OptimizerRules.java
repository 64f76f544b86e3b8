// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import dev.gradus.backend.internal.TorchScalars;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import java.nio.FloatBuffer;

/**
 * The update rules of {@code torch.optim} 1.13, transcribed from its single-tensor (non-foreach)
 * functions {@code _single_tensor_sgd}, {@code _single_tensor_adagrad}, {@code _single_tensor_rmsprop},
 * {@code _single_tensor_adam} and {@code _single_tensor_adamw}: float32 tensor arithmetic, one
 * rounding per tensor operation and in the same order; the Python-float scalars (1 − beta, bias
 * corrections, step sizes) from {@link TorchScalars}, computed in double and rounded to float32 where
 * torch hands them to a tensor op. The ATen CPU kernels this mirrors:
 * <ul>
 * <li>{@code a.add(b, alpha=s)} is {@code fma(b, s, a)} (ATen's vectorized {@code add} is an fmadd);</li>
 * <li>{@code a.addcmul(b, c, value=s)} is {@code fma(s·b, c, a)} (ATen writes {@code a + s·b·c}; the
 *     compiler contracts it on FMA CPUs);</li>
 * <li>{@code a.addcdiv(b, c, value=s)} is {@code a + (s·b)/c}, each step rounded;</li>
 * <li>{@code t / x} and {@code t.add_(x)} with a Python float x use {@code (float) x}.</li>
 * </ul>
 * With these, {@code TorchOptimizerTest} finds every parameter and state element bit-identical to
 * torch 1.13 on an AVX2/AVX-512 CPU over five steps of every configuration.
 *
 * <p>A state buffer that torch creates lazily at the first step (SGD's momentum) is overwritten at
 * step 1; the others (Adagrad's sum: {@code initial_accumulator_value}; RMSprop's and Adam's
 * averages: 0) are filled by the optimizer before step 1, as torch fills them at construction.
 */
final class OptimizerRules {
    private OptimizerRules() {}

    /** torch's {@code a.add(b, alpha=s)}. */
    private static float add(float a, float s, float b) {
        return Math.fma(b, s, a);
    }

    /** torch's {@code a.addcmul(b, c, value=s)}. */
    private static float addcmul(float a, float s, float b, float c) {
        return Math.fma(s * b, c, a);
    }

    static void sgd(FloatBuffer param, FloatBuffer grad, FloatBuffer buf, SgdConfig c, float lr, long step, int n) {
        float wd = c.weightDecay();
        float momentum = c.momentum();
        float oneMinusDampening = TorchScalars.oneMinus(c.dampening());
        float negLr = TorchScalars.negLr(lr);
        for (int i = 0; i < n; i++) {
            float p = param.get(i);
            float d = grad.get(i);
            if (wd != 0) {
                d = add(d, wd, p);
            }
            if (momentum != 0) {
                float b;
                if (step == 1) {
                    b = d;   // torch: buf = clone(d_p) when the buffer does not exist yet
                } else {
                    b = add(buf.get(i) * momentum, oneMinusDampening, d);
                }
                buf.put(i, b);
                d = c.nesterov() ? add(d, momentum, b) : b;
            }
            param.put(i, add(p, negLr, d));
        }
    }

    static void adagrad(FloatBuffer param, FloatBuffer grad, FloatBuffer sum, AdagradConfig c, float lr, long step,
                        int n) {
        float wd = c.weightDecay();
        float eps = c.eps();
        float negClr = TorchScalars.adagradNegClr(lr, c.lrDecay(), step);
        for (int i = 0; i < n; i++) {
            float p = param.get(i);
            float g = grad.get(i);
            if (wd != 0) {
                g = add(g, wd, p);
            }
            float s = addcmul(sum.get(i), 1f, g, g);
            sum.put(i, s);
            float std = (float) Math.sqrt(s) + eps;
            param.put(i, p + negClr * g / std);
        }
    }

    static void rmsprop(FloatBuffer param, FloatBuffer grad, FloatBuffer squareAvg, FloatBuffer buf,
                        FloatBuffer gradAvg, RmspropConfig c, float lr, int n) {
        float wd = c.weightDecay();
        float alpha = c.alpha();
        float oneMinusAlpha = TorchScalars.oneMinus(alpha);
        float eps = c.eps();
        float momentum = c.momentum();
        float negLr = TorchScalars.negLr(lr);
        for (int i = 0; i < n; i++) {
            float p = param.get(i);
            float g = grad.get(i);
            if (wd != 0) {
                g = add(g, wd, p);
            }
            float sa = squareAvg.get(i) * alpha;
            sa = addcmul(sa, oneMinusAlpha, g, g);
            squareAvg.put(i, sa);
            float avg;
            if (c.centered()) {
                float ga = add(gradAvg.get(i) * alpha, oneMinusAlpha, g);
                gradAvg.put(i, ga);
                avg = (float) Math.sqrt(addcmul(sa, -1f, ga, ga));
            } else {
                avg = (float) Math.sqrt(sa);
            }
            avg = avg + eps;
            if (momentum > 0) {
                float b = buf.get(i) * momentum;
                b = b + 1f * g / avg;
                buf.put(i, b);
                param.put(i, add(p, negLr, b));
            } else {
                param.put(i, p + negLr * g / avg);
            }
        }
    }

    /** Adam: weight decay added to the gradient (L2). */
    static void adam(FloatBuffer param, FloatBuffer grad, FloatBuffer expAvg, FloatBuffer expAvgSq,
                     FloatBuffer maxExpAvgSq, AdamConfig c, float lr, long step, int n) {
        moments(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, c.weightDecay(), lr, step, n);
    }

    /** AdamW: {@code param *= 1 − lr·weight_decay} first (decoupled), then Adam without weight decay. */
    static void adamw(FloatBuffer param, FloatBuffer grad, FloatBuffer expAvg, FloatBuffer expAvgSq,
                      FloatBuffer maxExpAvgSq, AdamConfig c, float lr, long step, int n) {
        float decay = TorchScalars.adamwDecay(lr, c.weightDecay());
        for (int i = 0; i < n; i++) {
            param.put(i, param.get(i) * decay);
        }
        moments(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, 0f, lr, step, n);
    }

    private static void moments(FloatBuffer param, FloatBuffer grad, FloatBuffer expAvg, FloatBuffer expAvgSq,
                                FloatBuffer maxExpAvgSq, AdamConfig c, float l2, float lr, long step, int n) {
        float b1 = c.beta1();
        float b2 = c.beta2();
        float oneMinusB1 = TorchScalars.oneMinus(b1);
        float oneMinusB2 = TorchScalars.oneMinus(b2);
        float negStepSize = TorchScalars.adamNegStepSize(lr, b1, step);
        float bc2Sqrt = TorchScalars.adamBiasCorrection2Sqrt(b2, step);
        float eps = c.eps();
        for (int i = 0; i < n; i++) {
            float p = param.get(i);
            float g = grad.get(i);
            if (l2 != 0) {
                g = add(g, l2, p);
            }
            float m = add(expAvg.get(i) * b1, oneMinusB1, g);
            expAvg.put(i, m);
            float v = expAvgSq.get(i) * b2;
            v = addcmul(v, oneMinusB2, g, g);
            expAvgSq.put(i, v);
            if (maxExpAvgSq != null) {
                v = Math.max(maxExpAvgSq.get(i), v);
                maxExpAvgSq.put(i, v);
            }
            float denom = (float) Math.sqrt(v) / bc2Sqrt + eps;
            param.put(i, p + negStepSize * m / denom);
        }
    }
}
