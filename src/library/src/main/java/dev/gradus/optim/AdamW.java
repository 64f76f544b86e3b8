// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;

/**
 * AdamW, Adam with decoupled weight decay (Loshchilov and Hutter, https://arxiv.org/abs/1711.05101);
 * matches {@code torch.optim.AdamW} (1.13). Use {@link AdamConfig#adamw} for its defaults
 * (weight decay 0.01). At step t:
 * <pre>
 * p = p · (1 − lr · weight_decay)                (decoupled: the gradient is not changed)
 * m = beta1 · m + (1 − beta1) · g
 * v = beta2 · v + (1 − beta2) · g²
 * v̂ = max(v̂, v)                                  (AMSGrad only; then v̂ replaces v below)
 * p = p − (lr / (1 − beta1^t)) · m / (√v / √(1 − beta2^t) + eps)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (AMSGrad only).
 */
public final class AdamW extends BaseOptimizer {
    private final AdamConfig config;
    private final Tensor expAvg;
    private final Tensor expAvgSq;
    private final Tensor maxExpAvgSq;

    public AdamW(Network network, AdamConfig config) {
        this(network.backend(), network.parameterBuffer(), network.gradientBuffer(), config);
    }

    public AdamW(Backend backend, Tensor param, Tensor grad, AdamConfig config) {
        super(backend, param, grad, required(config).lr());
        this.config = config;
        this.expAvg = buffer("exp_avg");
        this.expAvgSq = buffer("exp_avg_sq");
        this.maxExpAvgSq = config.amsgrad() ? buffer("max_exp_avg_sq") : null;
    }

    @Override
    void update(long step) {
        backend.adamwUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq, config, lr, step);
    }

    public AdamConfig config() { return config; }
    @Override public String name() { return "adamw"; }
}
