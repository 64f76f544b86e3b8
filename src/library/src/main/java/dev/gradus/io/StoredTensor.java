// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.util.Arrays;

/**
 * One named float32 array of a safetensors file: its PyTorch name ({@code 0.weight}), its shape
 * (any rank; {@code []} is a scalar) and its elements, row-major.
 */
public record StoredTensor(String name, long[] shape, float[] data) {

    public StoredTensor {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name is empty");
        }
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        if (count != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                    + count + " values, got " + data.length);
        }
        shape = shape.clone();
    }

    /** The shape as a string, e.g. {@code [128, 784]}. */
    public String shapeText() { return Arrays.toString(shape); }

    @Override
    public long[] shape() { return shape.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

    @Override
    public String toString() { return "StoredTensor[" + name + " " + shapeText() + "]"; }
}
