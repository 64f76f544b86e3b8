// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;

/**
 * Adam (Kingma and Ba, https://arxiv.org/abs/1412.6980); matches {@code torch.optim.Adam} (1.13),
 * weight decay as L2 added to the gradient. At step t:
 * <pre>
 * g = g + weight_decay · p                       (if weight_decay ≠ 0)
 * m = beta1 · m + (1 − beta1) · g
 * v = beta2 · v + (1 − beta2) · g²
 * v̂ = max(v̂, v)                                  (AMSGrad only; then v̂ replaces v below)
 * p = p − (lr / (1 − beta1^t)) · m / (√v / √(1 − beta2^t) + eps)
 * </pre>
 * eps is added outside the square root. State: {@code exp_avg} (m), {@code exp_avg_sq} (v),
 * {@code max_exp_avg_sq} (v̂, AMSGrad only).
 */
public final class Adam extends BaseOptimizer {
    private final AdamConfig config;
    private final Tensor expAvg;
    private final Tensor expAvgSq;
    private final Tensor maxExpAvgSq;

    public Adam(Network network, AdamConfig config) {
        this(network.backend(), network.parameterBuffer(), network.gradientBuffer(), config);
    }

    public Adam(Backend backend, Tensor param, Tensor grad, AdamConfig config) {
        super(backend, param, grad, required(config).lr());
        this.config = config;
        this.expAvg = buffer("exp_avg");
        this.expAvgSq = buffer("exp_avg_sq");
        this.maxExpAvgSq = config.amsgrad() ? buffer("max_exp_avg_sq") : null;
    }

    @Override
    void update(long step) {
        backend.adamUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq, config, lr, step);
    }

    public AdamConfig config() { return config; }
    @Override public String name() { return "adam"; }
}
