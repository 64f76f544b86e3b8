// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;

/**
 * AdaGrad; matches {@code torch.optim.Adagrad} (1.13). State {@code sum} starts at
 * initial_accumulator_value. At step t:
 * <pre>
 * g   = g + weight_decay · p                     (if weight_decay ≠ 0)
 * clr = lr / (1 + (t − 1) · lr_decay)
 * sum = sum + g²
 * p   = p − clr · g / (√sum + eps)
 * </pre>
 */
public final class Adagrad extends BaseOptimizer {
    private final AdagradConfig config;
    private final Tensor sum;

    public Adagrad(Network network, AdagradConfig config) {
        this(network.backend(), network.parameterBuffer(), network.gradientBuffer(), config);
    }

    public Adagrad(Backend backend, Tensor param, Tensor grad, AdagradConfig config) {
        super(backend, param, grad, required(config).lr());
        this.config = config;
        this.sum = buffer("sum").fill(config.initialAccumulatorValue());
    }

    @Override
    void update(long step) {
        backend.adagradUpdate(param, grad, sum, config, lr, step);
    }

    public AdagradConfig config() { return config; }
    @Override public String name() { return "adagrad"; }
}
