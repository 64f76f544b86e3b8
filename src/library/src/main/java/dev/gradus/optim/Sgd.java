// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;

/**
 * Stochastic gradient descent; matches {@code torch.optim.SGD} (1.13). With g the gradient, at step t:
 * <pre>
 * g = g + weight_decay · p                       (if weight_decay ≠ 0)
 * if momentum ≠ 0:
 *     b = g                                      (t = 1)
 *     b = momentum · b + (1 − dampening) · g     (t > 1)
 *     g = g + momentum · b   if nesterov,  else  g = b
 * p = p − lr · g
 * </pre>
 * State: {@code momentum_buffer} (only when momentum ≠ 0).
 */
public final class Sgd extends BaseOptimizer {
    private final SgdConfig config;
    private final Tensor momentumBuf;

    public Sgd(Network network, SgdConfig config) {
        this(network.backend(), network.parameterBuffer(), network.gradientBuffer(), config);
    }

    public Sgd(Backend backend, Tensor param, Tensor grad, SgdConfig config) {
        super(backend, param, grad, required(config).lr());
        this.config = config;
        this.momentumBuf = config.momentum() != 0 ? buffer("momentum_buffer") : null;
    }

    @Override
    void update(long step) {
        backend.sgdUpdate(param, grad, momentumBuf, config, lr, step);
    }

    public SgdConfig config() { return config; }
    @Override public String name() { return "sgd"; }
}
