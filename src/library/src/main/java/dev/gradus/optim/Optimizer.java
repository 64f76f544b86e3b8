// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import dev.gradus.Tensor;
import java.util.Map;

/**
 * Updates a contiguous parameter buffer from its gradient buffer, one backend call per {@link #step()}.
 * Call order: the model fills the gradients (zeroGrad, forward, backward), then {@code step()}.
 *
 * <p>For checkpoints: {@link #state()} names the state buffers (PyTorch's names), {@link #stepCount()}
 * and {@link #lr()} complete the state. To resume, copy saved values into the state tensors, then
 * {@link #setStepCount} and {@link #setLr}.
 *
 * <p>Threads: {@link #step()} claims the parameter buffer for its length, as a network's passes do,
 * so a step while another thread runs a pass or a step on the same parameters is an
 * {@link IllegalStateException} naming both, never a corrupted model. {@link #close()} is safe from
 * any thread at any time: a step in flight finishes on memory that is still there, the next throws.
 */
public interface Optimizer extends AutoCloseable {

    /** Applies one update with the current learning rate; the step count goes up by one first. */
    void step();

    /** The current learning rate (the config's until {@link #setLr} or a schedule changes it). */
    float lr();

    /** Sets the learning rate for the following steps (what a schedule does). */
    void setLr(float lr);

    /** Steps taken so far (PyTorch's {@code state['step']}); 0 before the first. */
    long stepCount();

    /** Restores the step count from a checkpoint (bias corrections and SGD's first-step momentum depend on it). */
    void setStepCount(long steps);

    /**
     * The state buffers by PyTorch name ({@code momentum_buffer}, {@code sum}, {@code square_avg},
     * {@code grad_avg}, {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq}), each (1, P) and
     * owned by the optimizer, in a fixed order. Empty for plain SGD.
     */
    Map<String, Tensor> state();

    /** "sgd", "adagrad", "rmsprop", "adam" or "adamw". */
    String name();

    /** Frees the state buffers. */
    @Override
    void close();
}
