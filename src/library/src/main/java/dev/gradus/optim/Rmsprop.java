// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;

/**
 * RMSProp; matches {@code torch.optim.RMSprop} (1.13; eps added after the square root). At each step:
 * <pre>
 * g  = g + weight_decay · p                      (if weight_decay ≠ 0)
 * v  = alpha · v + (1 − alpha) · g²
 * if centered:  ḡ = alpha · ḡ + (1 − alpha) · g;   d = √(v − ḡ²) + eps
 * else:         d = √v + eps
 * if momentum > 0:  b = momentum · b + g / d;   p = p − lr · b
 * else:             p = p − lr · g / d
 * </pre>
 * State: {@code square_avg} (v), {@code momentum_buffer} (b, when momentum > 0), {@code grad_avg}
 * (ḡ, when centered).
 */
public final class Rmsprop extends BaseOptimizer {
    private final RmspropConfig config;
    private final Tensor squareAvg;
    private final Tensor momentumBuf;
    private final Tensor gradAvg;

    public Rmsprop(Network network, RmspropConfig config) {
        this(network.backend(), network.parameterBuffer(), network.gradientBuffer(), config);
    }

    public Rmsprop(Backend backend, Tensor param, Tensor grad, RmspropConfig config) {
        super(backend, param, grad, required(config).lr());
        this.config = config;
        this.squareAvg = buffer("square_avg");
        this.momentumBuf = config.momentum() > 0 ? buffer("momentum_buffer") : null;
        this.gradAvg = config.centered() ? buffer("grad_avg") : null;
    }

    @Override
    void update(long step) {
        backend.rmspropUpdate(param, grad, squareAvg, momentumBuf, gradAvg, config, lr, step);
    }

    public RmspropConfig config() { return config; }
    @Override public String name() { return "rmsprop"; }
}
