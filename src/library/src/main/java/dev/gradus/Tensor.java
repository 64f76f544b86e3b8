// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A row-major float32 matrix in off-heap memory, read and written by both backends without copying:
 * native code gets its address ({@link #pointer()}), Java code a direct {@link FloatBuffer} over the
 * same bytes ({@link #buffer()}). A vector is a 1×n tensor.
 *
 * <p>A tensor either owns its storage ({@link #allocate}) or is a <em>view</em> of a contiguous range
 * of another tensor's storage ({@link #view}, {@link #rows}). Closing the owner frees the memory at
 * once and invalidates every view; closing a view does nothing. Any use after the owner was closed
 * throws {@link IllegalStateException}. JavaCPP's deallocator frees an unclosed owner after garbage
 * collection, as a safety net only.
 *
 * <p>Not thread-safe, like the arrays it stands for.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final long offset;   // in floats, from the start of the storage
    private final int rows;
    private final int cols;
    private final FloatPointer pointer;   // positioned at offset, created once: native calls allocate nothing
    private final FloatBuffer buffer;     // exactly this tensor's elements
    private final boolean owner;          // false for views

    private Tensor(Storage storage, boolean owner, long offset, int rows, int cols) {
        this.storage = storage;
        this.owner = owner;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.pointer = new FloatPointer(storage.memory).position(offset);
        this.pointer.limit(offset + (long) rows * cols);
        this.buffer = storage.whole.slice((int) offset, rows * cols);
    }

    /** A new zero-filled {@code rows × cols} tensor that owns its memory. */
    public static Tensor allocate(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("tensor shape must be non-negative, got [" + rows + ", " + cols + "]");
        }
        long length = (long) rows * cols;
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor [" + rows + ", " + cols + "] has more than 2^31-1 elements");
        }
        return new Tensor(new Storage(length), true, 0, rows, cols);
    }

    /** A new {@code rows × cols} tensor holding a copy of {@code data} (row-major). */
    public static Tensor of(int rows, int cols, float... data) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("shape [" + rows + ", " + cols + "] needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
        Tensor t = allocate(rows, cols);
        t.buffer.put(0, data);
        return t;
    }

    /**
     * A {@code rows × cols} view of this tensor's elements {@code [first, first + rows·cols)}, sharing its memory.
     * Used for parameters and gradients that live in one contiguous buffer.
     */
    public Tensor view(long first, int rows, int cols) {
        checkOpen();
        long length = (long) rows * cols;
        if (rows < 0 || cols < 0 || first < 0 || first + length > size()) {
            throw new IllegalArgumentException("view [" + rows + ", " + cols + "] at element " + first
                    + " does not fit in tensor " + shape());
        }
        return new Tensor(storage, false, offset + first, rows, cols);
    }

    /** A view of {@code count} whole rows starting at row {@code first}. */
    public Tensor rows(int first, int count) {
        if (first < 0 || count < 0 || first + count > rows) {
            throw new IllegalArgumentException("rows [" + first + ", " + (first + count) + ") out of range for tensor " + shape());
        }
        return view((long) first * cols, count, cols);
    }

    public int rows() { return rows; }
    public int cols() { return cols; }
    /** Number of elements, rows·cols. */
    public int size() { return rows * cols; }
    /** "[rows, cols]", for messages. */
    public String shape() { return "[" + rows + ", " + cols + "]"; }

    public boolean isClosed() { return storage.closed; }

    /** @throws IllegalStateException if this tensor's memory was released */
    public void checkOpen() {
        if (storage.closed) {
            throw new IllegalStateException("tensor " + shape() + " is closed: its memory was released");
        }
    }

    /** The native address of element 0, for kernels. Checked open. */
    public FloatPointer pointer() {
        checkOpen();
        return pointer;
    }

    /** A direct buffer over exactly this tensor's elements (index 0 = element 0). Checked open. */
    public FloatBuffer buffer() {
        checkOpen();
        return buffer;
    }

    public float get(int i) { checkOpen(); return buffer.get(checkIndex(i)); }
    public void set(int i, float v) { checkOpen(); buffer.put(checkIndex(i), v); }
    public float get(int r, int c) { return get(index(r, c)); }
    public void set(int r, int c, float v) { set(index(r, c), v); }

    /** A copy of the elements, row-major. */
    public float[] toArray() {
        float[] out = new float[size()];
        buffer().get(0, out);
        return out;
    }

    /** Overwrites every element with {@code data} (row-major); lengths must match. */
    public Tensor copyFrom(float[] data) {
        if (data.length != size()) {
            throw new IllegalArgumentException("cannot copy " + data.length + " values into tensor " + shape());
        }
        buffer().put(0, data);
        return this;
    }

    /** Overwrites every element with {@code src}'s; sizes must match (shapes may differ). */
    public Tensor copyFrom(Tensor src) {
        if (src.size() != size()) {
            throw new IllegalArgumentException("cannot copy tensor " + src.shape() + " into tensor " + shape());
        }
        Pointer.memcpy(pointer(), src.pointer(), (long) size() * Float.BYTES);
        return this;
    }

    /** Sets every element to 0 (one memset). */
    public Tensor zero() {
        Pointer.memset(pointer(), 0, (long) size() * Float.BYTES);
        return this;
    }

    public Tensor fill(float value) {
        if (Float.floatToRawIntBits(value) == 0) {   // +0.0 only: -0.0 is not all zero bits
            return zero();
        }
        FloatBuffer b = buffer();
        for (int i = 0, n = size(); i < n; i++) {
            b.put(i, value);
        }
        return this;
    }

    /** True when both tensors are open views whose element ranges share at least one float. */
    public boolean overlaps(Tensor other) {
        return storage == other.storage && size() > 0 && other.size() > 0
                && offset < other.offset + other.size() && other.offset < offset + size();
    }

    /** True when both tensors cover exactly the same elements (in-place use). */
    public boolean sameElements(Tensor other) {
        return storage == other.storage && offset == other.offset && size() == other.size();
    }

    /** Frees the memory now if this tensor owns it; a view's close does nothing. Idempotent. */
    @Override
    public void close() {
        if (owner) {
            storage.release();
        }
    }

    private int index(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("index [" + r + ", " + c + "] out of bounds for tensor " + shape());
        }
        return r * cols + c;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("index " + i + " out of bounds for tensor " + shape());
        }
        return i;
    }

    @Override
    public String toString() {
        return "Tensor" + shape() + (isClosed() ? " (closed)" : "");
    }

    /** The memory behind an owner and its views. */
    private static final class Storage {
        final FloatPointer memory;
        final FloatBuffer whole;
        boolean closed;

        Storage(long length) {
            // at least one float, so that an empty tensor still has a valid address
            this.memory = new FloatPointer(Math.max(length, 1));
            Pointer.memset(memory, 0, Math.max(length, 1) * Float.BYTES);
            this.whole = memory.asBuffer();
        }

        void release() {
            if (!closed) {
                closed = true;
                memory.close();
            }
        }
    }
}
