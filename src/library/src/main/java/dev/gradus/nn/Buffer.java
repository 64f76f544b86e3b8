// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import dev.gradus.Tensor;

/**
 * One named buffer of a {@link Network}: layer state that training updates but no optimizer does
 * (PyTorch's {@code register_buffer}), such as a batchnorm layer's {@code 1.running_mean},
 * {@code 1.running_var} ({@code [num_features]} float32, a view inside the network's buffer tensor) and
 * {@code 1.num_batches_tracked} (an int64 counter of shape {@code []}, as PyTorch stores it). Names and
 * shapes are PyTorch's, as the layer's {@link LayerSpec#bufferShapes()} states them; model files save
 * and load them. Owned by the network.
 */
public final class Buffer {
    private final String name;
    private final int[] shape;
    private final Tensor value;   // null for the counter
    private long count;

    private Buffer(String name, int[] shape, Tensor value) {
        this.name = name;
        this.shape = shape.clone();
        this.value = value;
    }

    static Buffer floats(String name, int[] shape, Tensor value) {
        return new Buffer(name, shape, value);
    }

    static Buffer counter(String name) {
        return new Buffer(name, new int[0], null);
    }

    /** The PyTorch name, e.g. {@code "1.running_mean"}. */
    public String name() { return name; }

    /** The PyTorch shape: {@code [num_features]}, or {@code []} for the counter (a copy). */
    public int[] shape() { return shape.clone(); }

    /** Whether this is an int64 scalar counter ({@link #count()}) rather than float32 values ({@link #value()}). */
    public boolean isCounter() { return value == null; }

    /**
     * The float32 values, a view owned by the network.
     * @throws IllegalStateException for a counter
     */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException("buffer '" + name + "' is an int64 counter: use count()");
        }
        return value;
    }

    /**
     * The counter's value ({@code num_batches_tracked}: the training-mode forward passes so far).
     * @throws IllegalStateException for a float buffer
     */
    public long count() {
        checkCounter();
        return count;
    }

    /**
     * Sets the counter.
     * @throws IllegalArgumentException for a negative count
     * @throws IllegalStateException for a float buffer
     */
    public void setCount(long n) {
        checkCounter();
        if (n < 0) {
            throw new IllegalArgumentException("buffer '" + name + "' must be >= 0, got " + n);
        }
        count = n;
    }

    void increment() {
        count++;
    }

    private void checkCounter() {
        if (value != null) {
            throw new IllegalStateException("buffer '" + name + "' holds float32 values: use value()");
        }
    }

    @Override
    public String toString() {
        return "Buffer[" + name + " " + java.util.Arrays.toString(shape) + (value == null ? " int64]" : "]");
    }
}
