// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.util.Arrays;

/**
 * One named array of a safetensors file: its PyTorch name ({@code 0.weight}), its shape (any rank;
 * {@code []} is a scalar) and its elements, row-major: float32 ({@link #data()}), or int64
 * ({@link #int64()}: PyTorch's {@code num_batches_tracked}); exactly one of the two is not null.
 */
public record StoredTensor(String name, long[] shape, float[] data, long[] int64) {

    public StoredTensor {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name is empty");
        }
        if ((data == null) == (int64 == null)) {
            throw new IllegalArgumentException("tensor '" + name + "' needs either float32 or int64 values");
        }
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        int length = data != null ? data.length : int64.length;
        if (count != length) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                    + count + " values, got " + length);
        }
        shape = shape.clone();
    }

    /** A float32 tensor. */
    public StoredTensor(String name, long[] shape, float[] data) {
        this(name, shape, data, null);
    }

    /** An int64 tensor. */
    public static StoredTensor ofInt64(String name, long[] shape, long[] values) {
        return new StoredTensor(name, shape, null, values);
    }

    /** The safetensors dtype: {@code "F32"} or {@code "I64"}. */
    public String dtype() { return data != null ? "F32" : "I64"; }

    /** The number of elements. */
    public int size() { return data != null ? data.length : int64.length; }

    /** The shape as a string, e.g. {@code [128, 784]}. */
    public String shapeText() { return Arrays.toString(shape); }

    @Override
    public long[] shape() { return shape.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data) && Arrays.equals(int64, t.int64);
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

    @Override
    public String toString() { return "StoredTensor[" + name + " " + dtype() + " " + shapeText() + "]"; }
}
