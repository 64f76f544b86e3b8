// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import dev.gradus.backend.internal.InUse;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A row-major float32 matrix in off-heap memory, read and written by both backends without copying:
 * native kernels get its address, the Java backend a direct buffer over the same bytes; callers copy
 * in and out ({@link #copyFrom(float[])}, {@link #copyTo(float[])}, the ranged forms, {@link #get},
 * {@link #set}). Neither the address nor the buffer is public: a caller could move a buffer's
 * position or keep it past a close, and so make native or Java code read freed memory. A vector is
 * a 1×n tensor. At most {@link #MAX_SIZE} elements.
 *
 * <p>A tensor either owns its storage ({@link #allocate}) or is a <em>view</em> of a contiguous range
 * of another tensor's storage ({@link #view}, {@link #rows}). Closing the owner invalidates every view
 * at once; closing a view does nothing. Any use after the owner was closed throws
 * {@link IllegalStateException}. JavaCPP's deallocator frees an unclosed owner after garbage
 * collection, as a safety net only.
 *
 * <p><b>Threads.</b> Like an array, a tensor is not synchronized: threads that write it concurrently
 * race on its values. Closing is safe at any time, from any thread: every kernel and every method of
 * this class holds the memory for the length of its access, so a call already running finishes on
 * memory that is still there (it is freed when the last such call returns) and every later use
 * throws.
 */
public final class Tensor implements AutoCloseable {
    /**
     * The most elements a tensor holds, 2^29 − 1 (just under 2 GiB): its memory is one Java direct
     * buffer, whose capacity in bytes is an int.
     */
    public static final int MAX_SIZE = (int) (Storage.MAX_BYTES / Float.BYTES);

    private final Storage storage;
    private final long offset;            // in floats, from the start of the storage
    private final int rows;
    private final int cols;
    private final FloatBuffer buffer;     // exactly this tensor's elements
    private final FloatPointer memory;    // the same elements, for memset/memmove; never handed out
    private final long address;           // of element 0: a number no caller can move
    private final boolean owner;          // false for views

    static {
        InUse.install(new Holds());
    }

    private Tensor(Storage storage, boolean owner, long offset, int rows, int cols) {
        this.storage = storage;
        this.owner = owner;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.buffer = storage.bytes.asFloatBuffer().slice((int) offset, rows * cols);
        this.memory = new FloatPointer(buffer);
        this.address = storage.address + offset * Float.BYTES;
    }

    /**
     * A new zero-filled {@code rows × cols} tensor that owns its memory.
     * @throws IllegalArgumentException for a negative dimension or more than {@link #MAX_SIZE} elements,
     *         before anything is allocated
     */
    public static Tensor allocate(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("tensor shape must be non-negative, got [" + rows + ", " + cols + "]");
        }
        long length = (long) rows * cols;
        if (length > MAX_SIZE) {
            throw new IllegalArgumentException("tensor [" + rows + ", " + cols + "] has " + length
                    + " elements, more than the " + MAX_SIZE + " (2^29 - 1) a tensor holds");
        }
        return new Tensor(new Storage(length * Float.BYTES), true, 0, rows, cols);
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

    public boolean isClosed() { return storage.isClosed(); }

    /** @throws IllegalStateException if this tensor's memory was released */
    public void checkOpen() {
        if (storage.isClosed()) {
            throw closed();
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("tensor " + shape() + " is closed: its memory was released");
    }

    /** The native address of element 0; the memory behind it is valid between acquire and release. */
    long address() {
        return address;
    }

    /**
     * Holds this tensor's memory for one access, until the matching {@link #release()}: a close meanwhile
     * takes effect for every later use, and the memory is freed when the last access in flight releases it.
     * @throws IllegalStateException if the tensor is closed (then nothing is held)
     */
    void acquire() {
        if (!storage.tryAcquire()) {
            throw closed();
        }
    }

    void release() {
        storage.release();
    }

    public float get(int i) {
        checkIndex(i);
        acquire();
        try {
            return buffer.get(i);
        } finally {
            release();
        }
    }

    public void set(int i, float v) {
        checkIndex(i);
        acquire();
        try {
            buffer.put(i, v);
        } finally {
            release();
        }
    }

    public float get(int r, int c) { return get(index(r, c)); }
    public void set(int r, int c, float v) { set(index(r, c), v); }

    /** A copy of the elements, row-major. */
    public float[] toArray() {
        float[] out = new float[size()];
        copyTo(out);
        return out;
    }

    /** Copies every element into {@code into} (row-major); lengths must match. Allocates nothing. */
    public void copyTo(float[] into) {
        if (into == null || into.length != size()) {
            throw new IllegalArgumentException("cannot copy tensor " + shape() + " into "
                    + (into == null ? "null" : into.length + " floats"));
        }
        acquire();
        try {
            buffer.get(0, into);
        } finally {
            release();
        }
    }

    /**
     * Copies {@code length} elements from element {@code from} on (row-major) into
     * {@code into[offset, offset + length)}. Allocates nothing.
     * @throws IndexOutOfBoundsException naming the ranges when either does not fit
     */
    public void copyTo(int from, float[] into, int offset, int length) {
        checkRange(from, length, into == null ? -1 : into.length, offset);
        acquire();
        try {
            buffer.get(from, into, offset, length);
        } finally {
            release();
        }
    }

    /**
     * Overwrites {@code length} elements from element {@code to} on (row-major) with
     * {@code data[offset, offset + length)}: a row, a batch of rows. Allocates nothing.
     * @throws IndexOutOfBoundsException naming the ranges when either does not fit
     */
    public Tensor copyFrom(int to, float[] data, int offset, int length) {
        checkRange(to, length, data == null ? -1 : data.length, offset);
        acquire();
        try {
            buffer.put(to, data, offset, length);
        } finally {
            release();
        }
        return this;
    }

    private void checkRange(int first, int length, int arrayLength, int offset) {
        if (arrayLength < 0) {
            throw new IllegalArgumentException("array is null");
        }
        if (length < 0 || first < 0 || offset < 0 || (long) first + length > size() || (long) offset + length > arrayLength) {
            throw new IndexOutOfBoundsException(length + " elements from element " + first + " of tensor " + shape()
                    + " and from index " + offset + " of an array of " + arrayLength + ": out of range");
        }
    }

    /** Overwrites every element with {@code data} (row-major); lengths must match. */
    public Tensor copyFrom(float[] data) {
        if (data == null || data.length != size()) {
            throw new IllegalArgumentException("cannot copy " + (data == null ? "null" : data.length + " values")
                    + " into tensor " + shape());
        }
        acquire();
        try {
            buffer.put(0, data);
        } finally {
            release();
        }
        return this;
    }

    /** Overwrites every element with {@code src}'s; sizes must match (shapes may differ), ranges may overlap. */
    public Tensor copyFrom(Tensor src) {
        if (src.size() != size()) {
            throw new IllegalArgumentException("cannot copy tensor " + src.shape() + " into tensor " + shape());
        }
        acquire();
        try {
            src.acquire();
            try {
                Pointer.memmove(memory, src.memory, (long) size() * Float.BYTES);
            } finally {
                src.release();
            }
        } finally {
            release();
        }
        return this;
    }

    /** Sets every element to 0 (one memset). */
    public Tensor zero() {
        acquire();
        try {
            Pointer.memset(memory, 0, (long) size() * Float.BYTES);
        } finally {
            release();
        }
        return this;
    }

    public Tensor fill(float value) {
        if (Float.floatToRawIntBits(value) == 0) {   // +0.0 only: -0.0 is not all zero bits
            return zero();
        }
        acquire();
        try {
            for (int i = 0, n = size(); i < n; i++) {
                buffer.put(i, value);
            }
        } finally {
            release();
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

    /**
     * Closes the memory if this tensor owns it (a view's close does nothing): every later use throws,
     * and the memory is freed now, or when the last call using it returns. Idempotent.
     */
    @Override
    public void close() {
        if (owner) {
            storage.close();
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

    /** The lifetime operations the backends reach through {@link InUse}. */
    private static final class Holds implements InUse.Access {
        @Override public void acquire(Tensor t) { t.acquire(); }
        @Override public void release(Tensor t) { t.release(); }
        @Override public long address(Tensor t) { return t.address; }
        @Override public FloatBuffer buffer(Tensor t) { t.checkOpen(); return t.buffer; }
        @Override public void acquire(Labels l) { l.acquire(); }
        @Override public void release(Labels l) { l.release(); }
        @Override public long address(Labels l) { return l.address(); }
        @Override public java.nio.IntBuffer buffer(Labels l) { return l.buffer(); }
        @Override public void claim(Tensor t, String operation) { t.storage.claim(operation); }
        @Override public void unclaim(Tensor t) { t.storage.unclaim(); }
    }
}
