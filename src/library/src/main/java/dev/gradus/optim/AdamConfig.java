// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

/**
 * Hyperparameters of Adam and AdamW: lr, betas, eps, weight decay, AMSGrad. {@link #adam} has
 * {@code torch.optim.Adam}'s defaults (lr 0.001, betas 0.9/0.999, eps 1e-8, weight decay 0, L2 added
 * to the gradient); {@link #adamw} has {@code torch.optim.AdamW}'s (the same, but weight decay 0.01,
 * decoupled). Which of the two rules applies is the optimizer's, not this record's.
 */
public record AdamConfig(float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
    public AdamConfig {
        Check.nonNegative("lr", lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        Check.nonNegative("eps", eps);
        Check.nonNegative("weight_decay", weightDecay);
    }

    public static AdamConfig adam(float lr) { return new AdamConfig(lr, 0.9f, 0.999f, 1e-8f, 0f, false); }
    public static AdamConfig adamw(float lr) { return new AdamConfig(lr, 0.9f, 0.999f, 1e-8f, 0.01f, false); }

    public AdamConfig withBetas(float b1, float b2) { return new AdamConfig(lr, b1, b2, eps, weightDecay, amsgrad); }
    public AdamConfig withEps(float e) { return new AdamConfig(lr, beta1, beta2, e, weightDecay, amsgrad); }
    public AdamConfig withWeightDecay(float wd) { return new AdamConfig(lr, beta1, beta2, eps, wd, amsgrad); }
    public AdamConfig withAmsgrad(boolean a) { return new AdamConfig(lr, beta1, beta2, eps, weightDecay, a); }
}
