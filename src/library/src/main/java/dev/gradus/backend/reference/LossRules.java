// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import dev.gradus.Loss;
import dev.gradus.backend.Checks;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The losses of {@link ReferenceBackend} over checked buffers: each a mean, evaluated in double and
 * rounded once, with PyTorch 1.13's definitions (ATen's {@code mse_loss}, {@code l1_loss},
 * {@code huber_loss}, {@code binary_cross_entropy}, {@code binary_cross_entropy_with_logits},
 * {@code cross_entropy}) and their backward formulas.
 */
final class LossRules {
    private LossRules() {}

    /**
     * The first prediction the loss refuses, or -1: bce's must lie in [0, 1] (NaN is refused), as
     * torch's {@code binary_cross_entropy} demands ("all elements of input should be between 0 and 1").
     */
    static int firstRefused(Loss loss, FloatBuffer p, int n) {
        if (loss.kind() == Loss.Kind.BCE) {
            for (int i = 0; i < n; i++) {
                float x = p.get(i);
                if (!(x >= 0 && x <= 1)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The mean loss over n elements (none refused, see {@link #firstRefused}). */
    static float forward(Loss loss, FloatBuffer p, FloatBuffer t, int n) {
        double delta = loss.delta();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double x = p.get(i);
            double y = t.get(i);
            double d = x - y;
            sum += switch (loss.kind()) {
                case MSE -> d * d;
                case L1 -> Math.abs(d);
                case HUBER -> Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta);
                // torch clamps each log at -100, so p = 0 or 1 gives a finite loss
                case BCE -> -(y * Math.max(Math.log(x), -100.0) + (1.0 - y) * Math.max(Math.log1p(-x), -100.0));
                // stable form: max(x, 0) − x·y + log(1 + e^−|x|)
                case BCE_WITH_LOGITS -> Math.max(x, 0.0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
                case CROSS_ENTROPY -> throw new AssertionError("rejected by Checks");
            };
        }
        return (float) (sum / n);
    }

    /** dp = ∂ mean-loss / ∂ p, overwritten. */
    static void backward(Loss loss, FloatBuffer dp, FloatBuffer p, FloatBuffer t, int n) {
        double delta = loss.delta();
        for (int i = 0; i < n; i++) {
            double x = p.get(i);
            double y = t.get(i);
            double d = x - y;
            double g = switch (loss.kind()) {
                case MSE -> 2.0 * d;
                case L1 -> Math.signum(d);   // sign(0) = 0, as torch
                case HUBER -> Math.max(-delta, Math.min(delta, d));
                // ATen binary_cross_entropy_backward: (x − y) / max((1 − x)·x, 1e-12)
                case BCE -> d / Math.max((1.0 - x) * x, 1e-12);
                case BCE_WITH_LOGITS -> Pointwise.sigmoid(x) - y;
                case CROSS_ENTROPY -> throw new AssertionError("rejected by Checks");
            };
            dp.put(i, (float) (g / n));
        }
    }

    /** Mean over rows of logsumexp(z_r) − z_r[label_r], max-subtracted, in double. */
    static float crossEntropyForward(FloatBuffer z, IntBuffer labels, int rows, int cols) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int label = label(labels, r, cols);
            double max = rowMax(z, base, cols);
            sum += max + Math.log(sumExp(z, base, cols, max)) - z.get(base + label);
        }
        return (float) (sum / rows);
    }

    /** dz = (softmax(z) − onehot(label)) / rows, overwritten. */
    static void crossEntropyBackward(FloatBuffer dz, FloatBuffer z, IntBuffer labels, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = rowMax(z, base, cols);
            double s = sumExp(z, base, cols, max);
            int label = label(labels, r, cols);
            for (int j = 0; j < cols; j++) {
                double softmax = Math.exp(z.get(base + j) - max) / s;
                dz.put(base + j, (float) ((softmax - (j == label ? 1.0 : 0.0)) / rows));
            }
        }
    }

    /** Label r, read once and checked before use: another thread may be rewriting the labels. */
    private static int label(IntBuffer labels, int r, int cols) {
        int label = labels.get(r);
        if (label < 0 || label >= cols) {
            throw Checks.labelOutOfRange(r, label, cols);
        }
        return label;
    }

    static double rowMax(FloatBuffer z, int base, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, z.get(base + j));
        }
        return max;
    }

    static double sumExp(FloatBuffer z, int base, int cols, double max) {
        double s = 0;
        for (int j = 0; j < cols; j++) {
            s += Math.exp(z.get(base + j) - max);
        }
        return s;
    }
}
