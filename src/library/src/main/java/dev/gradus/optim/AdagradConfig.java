// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

/**
 * Hyperparameters of AdaGrad, with {@code torch.optim.Adagrad}'s defaults: lr 0.01, lr decay 0,
 * weight decay 0, initial accumulator 0, eps 1e-10.
 */
public record AdagradConfig(float lr, float lrDecay, float weightDecay, float initialAccumulatorValue, float eps) {
    public AdagradConfig {
        Check.nonNegative("lr", lr);
        Check.nonNegative("lr_decay", lrDecay);
        Check.nonNegative("weight_decay", weightDecay);
        Check.nonNegative("initial_accumulator_value", initialAccumulatorValue);
        Check.nonNegative("eps", eps);
    }

    public static AdagradConfig of(float lr) { return new AdagradConfig(lr, 0f, 0f, 0f, 1e-10f); }

    public AdagradConfig withLrDecay(float d) { return new AdagradConfig(lr, d, weightDecay, initialAccumulatorValue, eps); }
    public AdagradConfig withWeightDecay(float wd) { return new AdagradConfig(lr, lrDecay, wd, initialAccumulatorValue, eps); }
    public AdagradConfig withInitialAccumulatorValue(float v) { return new AdagradConfig(lr, lrDecay, weightDecay, v, eps); }
    public AdagradConfig withEps(float e) { return new AdagradConfig(lr, lrDecay, weightDecay, initialAccumulatorValue, e); }
}
