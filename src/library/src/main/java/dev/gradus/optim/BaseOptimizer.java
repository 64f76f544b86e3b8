// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.backend.Checks;
import dev.gradus.backend.internal.InUse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every optimizer holds: the backend, the two buffers, the learning rate, the step count, the state. */
abstract class BaseOptimizer implements Optimizer {
    final Backend backend;
    final Tensor param;
    final Tensor grad;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private final Map<String, Tensor> stateView = Collections.unmodifiableMap(state);
    float lr;
    long steps;
    private volatile boolean closed;

    BaseOptimizer(Backend backend, Tensor param, Tensor grad, float lr) {
        Checks.nonNull("backend", backend);
        Checks.open("param", param);
        Checks.open("grad", grad);
        if (param.size() != grad.size()) {
            throw new IllegalArgumentException("parameter buffer " + param.shape() + " and gradient buffer "
                    + grad.shape() + " must have the same size");
        }
        this.backend = backend;
        this.param = param;
        this.grad = grad;
        setLr(lr);
    }

    static <C> C required(C config) {
        if (config == null) {
            throw new IllegalArgumentException("optimizer config must not be null");
        }
        return config;
    }

    /** A new zero-filled state buffer shaped like the parameters, registered under its PyTorch name. */
    final Tensor buffer(String name) {
        Tensor t = Tensor.allocate(param.rows(), param.cols());
        state.put(name, t);
        return t;
    }

    @Override
    public final void step() {
        if (closed) {
            throw new IllegalStateException(name() + " optimizer is closed");
        }
        // claims the parameters as the network's passes do: two threads training them fail fast
        InUse.claim(param, "Optimizer.step");
        try {
            steps++;
            update(steps);
        } catch (IllegalStateException e) {
            throw closed ? new IllegalStateException(name() + " optimizer is closed (by another thread during its step)", e) : e;
        } finally {
            InUse.unclaim(param);
        }
    }

    /** One backend call. */
    abstract void update(long step);

    @Override public final float lr() { return lr; }

    @Override
    public final void setLr(float lr) {
        if (!(lr >= 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite value >= 0, got " + lr);
        }
        this.lr = lr;
    }

    @Override public final long stepCount() { return steps; }

    @Override
    public final void setStepCount(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + steps);
        }
        this.steps = steps;
    }

    @Override public final Map<String, Tensor> state() { return stateView; }

    @Override
    public final void close() {
        closed = true;
        for (Tensor t : state.values()) {
            t.close();
        }
    }
}
