// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import java.nio.IntBuffer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Integer class labels (one per row of a batch) in off-heap memory, for softmax cross-entropy and
 * evaluation. Same ownership rules as {@link Tensor}: an owner frees its memory on {@link #close()},
 * views ({@link #range}) share it and are invalid afterwards.
 */
public final class Labels implements AutoCloseable {
    private final Memory memory;
    private final boolean owner;
    private final long offset;
    private final int length;
    private final IntPointer pointer;
    private final IntBuffer buffer;

    private Labels(Memory memory, boolean owner, long offset, int length) {
        this.memory = memory;
        this.owner = owner;
        this.offset = offset;
        this.length = length;
        this.pointer = new IntPointer(memory.ints).position(offset);
        this.pointer.limit(offset + length);
        this.buffer = memory.whole.slice((int) offset, length);
    }

    /** New zero-filled labels. */
    public static Labels allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("labels length must be non-negative, got " + length);
        }
        return new Labels(new Memory(length), true, 0, length);
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
    public boolean isClosed() { return memory.closed; }

    public void checkOpen() {
        if (memory.closed) {
            throw new IllegalStateException("labels [" + length + "] are closed: their memory was released");
        }
    }

    public IntPointer pointer() { checkOpen(); return pointer; }
    public IntBuffer buffer() { checkOpen(); return buffer; }

    public int get(int i) {
        checkOpen();
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("label index " + i + " out of bounds for " + length + " labels");
        }
        return buffer.get(i);
    }

    public void set(int i, int v) {
        checkOpen();
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("label index " + i + " out of bounds for " + length + " labels");
        }
        buffer.put(i, v);
    }

    public int[] toArray() {
        int[] out = new int[length];
        buffer().get(0, out);
        return out;
    }

    /** The first index whose label is outside {@code [0, classes)}, or -1 when all are valid. */
    public int firstOutOfRange(int classes) {
        IntBuffer b = buffer();
        for (int i = 0; i < length; i++) {
            int v = b.get(i);
            if (v < 0 || v >= classes) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (owner && !memory.closed) {
            memory.closed = true;
            memory.ints.close();
        }
    }

    @Override
    public String toString() {
        return "Labels[" + length + "]" + (isClosed() ? " (closed)" : "");
    }

    private static final class Memory {
        final IntPointer ints;
        final IntBuffer whole;
        boolean closed;

        Memory(int length) {
            ints = new IntPointer(Math.max(length, 1));
            Pointer.memset(ints, 0, Math.max(length, 1) * (long) Integer.BYTES);
            whole = ints.asBuffer();
        }
    }
}
