// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

/**
 * Hyperparameters of SGD, with {@code torch.optim.SGD}'s defaults: momentum 0, dampening 0,
 * weight decay 0, no Nesterov.
 */
public record SgdConfig(float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
    public SgdConfig {
        Check.nonNegative("lr", lr);
        Check.nonNegative("momentum", momentum);
        Check.nonNegative("weight_decay", weightDecay);
        Check.finite("dampening", dampening);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov momentum requires momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
    }

    public static SgdConfig of(float lr) { return new SgdConfig(lr, 0f, 0f, 0f, false); }

    public SgdConfig withMomentum(float m) { return new SgdConfig(lr, m, dampening, weightDecay, nesterov); }
    public SgdConfig withDampening(float d) { return new SgdConfig(lr, momentum, d, weightDecay, nesterov); }
    public SgdConfig withWeightDecay(float wd) { return new SgdConfig(lr, momentum, dampening, wd, nesterov); }
    public SgdConfig withNesterov(boolean n) { return new SgdConfig(lr, momentum, dampening, weightDecay, n); }
}
