// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;

/**
 * Gradient clipping over the whole gradient buffer, applied between backward and the optimizer step.
 * <ul>
 * <li>{@link #byNorm(float)} matches {@code torch.nn.utils.clip_grad_norm_(max_norm)} (2-norm):
 *     {@code c = max_norm / (‖g‖ + 1e-6)}; {@code g = c · g} only when {@code c < 1}.</li>
 * <li>{@link #byValue(float)} matches {@code torch.nn.utils.clip_grad_value_(clip)}:
 *     {@code g = clamp(g, −clip, clip)}.</li>
 * </ul>
 */
public record GradientClipping(Kind kind, float limit) {

    public enum Kind { NORM, VALUE }

    public GradientClipping {
        if (kind == null) {
            throw new IllegalArgumentException("clipping kind must not be null");
        }
        if (!(limit > 0) || !Float.isFinite(limit)) {
            throw new IllegalArgumentException("clipping limit must be finite and > 0, got " + limit);
        }
    }

    public static GradientClipping byNorm(float maxNorm) { return new GradientClipping(Kind.NORM, maxNorm); }
    public static GradientClipping byValue(float clip) { return new GradientClipping(Kind.VALUE, clip); }

    /**
     * Clips {@code grad} in place and returns its global 2-norm from <em>before</em> clipping (as
     * {@code clip_grad_norm_} does; computed for both kinds, so a caller can also test it for
     * non-finite values). A non-finite norm leaves the gradient unscaled.
     */
    public double apply(Backend backend, Tensor grad) {
        double norm = Math.sqrt(backend.sumOfSquares(grad));
        if (!Double.isFinite(norm)) {
            return norm;
        }
        if (kind == Kind.NORM) {
            double c = limit / (norm + 1e-6);
            if (c < 1) {
                backend.scale(grad, (float) c);
            }
        } else {
            backend.clamp(grad, -limit, limit);
        }
        return norm;
    }
}
