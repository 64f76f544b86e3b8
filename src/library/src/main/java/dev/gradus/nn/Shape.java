// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.Arrays;

/**
 * The shape of one sample flowing between layers: {@code (F)} features, or an image {@code (C, H, W)}.
 * A batch of N samples is always a row-major {@code (N, size())} {@link dev.gradus.Tensor}: an image row
 * holds channel 0's H·W values, then channel 1's, as PyTorch's contiguous NCHW. The geometry lives here,
 * on the layers, not in the tensor, so every kernel and every {@code Checks} rule stays two-dimensional.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int... dims) {
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a size < 1");
            }
        }
        if (Arrays.stream(dims).asLongStream().reduce(1, (a, b) -> a * b) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 values");
        }
        this.dims = dims;
    }

    /** {@code (features)}. */
    public static Shape flat(int features) {
        return new Shape(features);
    }

    /** {@code (channels, height, width)}. */
    public static Shape image(int channels, int height, int width) {
        return new Shape(channels, height, width);
    }

    /** {@code [F]} or {@code [C, H, W]}, as a model file or a reference case writes it. */
    public static Shape of(int[] dims) {
        if (dims.length == 1) {
            return flat(dims[0]);
        }
        if (dims.length == 3) {
            return image(dims[0], dims[1], dims[2]);
        }
        throw new IllegalArgumentException("a sample shape is [F] or [C, H, W], got " + Arrays.toString(dims));
    }

    public boolean isImage() { return dims.length == 3; }

    /** Values per sample: F, or C·H·W. */
    public int size() {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** C of an image; F of a flat shape. */
    public int channels() { return dims[0]; }

    public int height() { return image("height").dims[1]; }

    public int width() { return image("width").dims[2]; }

    public int[] dims() { return dims.clone(); }

    private Shape image(String what) {
        if (!isImage()) {
            throw new IllegalStateException("shape " + this + " has no " + what);
        }
        return this;
    }

    /** With the batch dimension: {@code [N, F]} or {@code [N, C, H, W]}. */
    public String batched() {
        StringBuilder sb = new StringBuilder("[N");
        for (int d : dims) {
            sb.append(", ").append(d);
        }
        return sb.append(']').toString();
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }
    @Override public int hashCode() { return Arrays.hashCode(dims); }
    @Override public String toString() { return Arrays.toString(dims); }
}
