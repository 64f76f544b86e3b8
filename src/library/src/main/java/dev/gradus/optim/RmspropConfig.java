// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

/**
 * Hyperparameters of RMSProp, with {@code torch.optim.RMSprop}'s defaults: lr 0.01, alpha 0.99,
 * eps 1e-8, weight decay 0, momentum 0, not centered.
 */
public record RmspropConfig(float lr, float alpha, float eps, float weightDecay, float momentum, boolean centered) {
    public RmspropConfig {
        Check.nonNegative("lr", lr);
        Check.nonNegative("alpha", alpha);
        Check.nonNegative("eps", eps);
        Check.nonNegative("weight_decay", weightDecay);
        Check.nonNegative("momentum", momentum);
    }

    public static RmspropConfig of(float lr) { return new RmspropConfig(lr, 0.99f, 1e-8f, 0f, 0f, false); }

    public RmspropConfig withAlpha(float a) { return new RmspropConfig(lr, a, eps, weightDecay, momentum, centered); }
    public RmspropConfig withEps(float e) { return new RmspropConfig(lr, alpha, e, weightDecay, momentum, centered); }
    public RmspropConfig withWeightDecay(float wd) { return new RmspropConfig(lr, alpha, eps, wd, momentum, centered); }
    public RmspropConfig withMomentum(float m) { return new RmspropConfig(lr, alpha, eps, weightDecay, m, centered); }
    public RmspropConfig withCentered(boolean c) { return new RmspropConfig(lr, alpha, eps, weightDecay, momentum, c); }
}
