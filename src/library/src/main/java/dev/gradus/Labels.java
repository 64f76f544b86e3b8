// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import java.nio.IntBuffer;

/**
 * Integer class labels (one per row of a batch) in off-heap memory, for softmax cross-entropy and
 * evaluation. Same ownership, lifetime and thread rules as {@link Tensor}: an owner closes its memory on
 * {@link #close()} (freed once no call uses it), views ({@link #range}) share it and are invalid
 * afterwards; at most {@link #MAX_LENGTH} labels.
 */
public final class Labels implements AutoCloseable {
    /** The most labels one object holds, 2^29 − 1: its memory is one Java direct buffer. */
    public static final int MAX_LENGTH = (int) (Storage.MAX_BYTES / Integer.BYTES);

    private final Storage memory;
    private final boolean owner;
    private final long offset;
    private final int length;
    private final IntBuffer buffer;

    private Labels(Storage memory, boolean owner, long offset, int length) {
        this.memory = memory;
        this.owner = owner;
        this.offset = offset;
        this.length = length;
        this.buffer = memory.bytes.asIntBuffer().slice((int) offset, length);
    }

    /**
     * New zero-filled labels.
     * @throws IllegalArgumentException for a negative length or more than {@link #MAX_LENGTH}, before allocating
     */
    public static Labels allocate(int length) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("labels length must be in [0, " + MAX_LENGTH + "], got " + length);
        }
        return new Labels(new Storage((long) length * Integer.BYTES), true, 0, length);
    }

    public static Labels of(int... values) {
        Labels l = allocate(values.length);
        l.buffer.put(0, values);
        return l;
    }

    /** A view of labels {@code [first, first + count)}. */
    public Labels range(int first, int count) {
        checkOpen();
        if (first < 0 || count < 0 || first + count > length) {
            throw new IllegalArgumentException("labels range [" + first + ", " + (first + count)
                    + ") out of bounds for " + length + " labels");
        }
        return new Labels(memory, false, offset + first, count);
    }

    public int length() { return length; }
    public boolean isClosed() { return memory.isClosed(); }

    public void checkOpen() {
        if (memory.isClosed()) {
            throw closed();
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("labels [" + length + "] are closed: their memory was released");
    }

    /** The native address of label 0, valid between {@link #acquire()} and {@link #release()}. */
    long address() {
        return memory.address + offset * Integer.BYTES;
    }

    /** The labels' memory itself, for the library's own code (through InUse): not handed to callers. */
    IntBuffer buffer() { checkOpen(); return buffer; }

    /** Holds the memory for one access (see {@link Tensor}): a close meanwhile frees it when the access ends. */
    void acquire() {
        if (!memory.tryAcquire()) {
            throw closed();
        }
    }

    void release() {
        memory.release();
    }

    public int get(int i) {
        checkIndex(i);
        acquire();
        try {
            return buffer.get(i);
        } finally {
            release();
        }
    }

    public void set(int i, int v) {
        checkIndex(i);
        acquire();
        try {
            buffer.put(i, v);
        } finally {
            release();
        }
    }

    public int[] toArray() {
        int[] out = new int[length];
        acquire();
        try {
            buffer.get(0, out);
        } finally {
            release();
        }
        return out;
    }

    /** The first index whose label is outside {@code [0, classes)}, or -1 when all are valid. */
    public int firstOutOfRange(int classes) {
        acquire();
        try {
            for (int i = 0; i < length; i++) {
                int v = buffer.get(i);
                if (v < 0 || v >= classes) {
                    return i;
                }
            }
            return -1;
        } finally {
            release();
        }
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("label index " + i + " out of bounds for " + length + " labels");
        }
    }

    /** Closes the memory if these labels own it (as {@link Tensor#close()}). Idempotent. */
    @Override
    public void close() {
        if (owner) {
            memory.close();
        }
    }

    @Override
    public String toString() {
        return "Labels[" + length + "]" + (isClosed() ? " (closed)" : "");
    }
}
