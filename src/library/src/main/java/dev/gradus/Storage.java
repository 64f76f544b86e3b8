// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The off-heap memory behind a {@link Tensor} or {@link Labels} owner and its views, and its lifetime.
 * Every access to the memory, native or Java, runs between {@link #tryAcquire()} and {@link #release()}.
 * {@link #close()} marks the memory closed at once, so that every later acquire fails, and frees it as
 * soon as no access is in flight: at once, or when the last one releases. So closing memory another
 * thread computes with is never a crash: that thread's call completes on memory that is still there,
 * and its next one fails with an exception.
 *
 * <p>Also holds the optional exclusive claim ({@link #claim}) by which a network's training passes
 * and an optimizer's steps on the same parameters detect each other across threads.
 */
final class Storage {
    /** The most bytes one storage holds: a Java direct buffer's capacity is an int. */
    static final long MAX_BYTES = Integer.MAX_VALUE;

    // state: the sign bit is "closed", the other 31 bits count the accesses in flight
    private static final int CLOSED = Integer.MIN_VALUE;
    private static final VarHandle STATE;
    private static final VarHandle CLAIMANT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Storage.class, "state", int.class);
            CLAIMANT = lookup.findVarHandle(Storage.class, "claimant", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BytePointer memory;   // never leaves this class: only its address does
    final long address;
    final ByteBuffer bytes;             // native order, over all of the memory
    @SuppressWarnings("unused")         // through STATE
    private volatile int state;
    private volatile Thread claimant;   // through CLAIMANT
    private volatile String claimedFor;

    /**
     * Where the memory starts: a cache line. malloc promises 16 bytes, and then every 64-byte vector
     * load a kernel makes over the elements spans two lines.
     */
    static final int ALIGN = 64;

    /** Zero-filled memory of {@code bytes} bytes (at least one, so that an empty tensor has an address). */
    Storage(long bytes) {
        if (bytes < 0 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes in one piece (at most " + MAX_BYTES + ")");
        }
        long size = Math.max(bytes, 1);
        this.memory = new BytePointer(size + ALIGN - 1);
        try {
            Pointer.memset(memory, 0, size + ALIGN - 1);
            long pad = -memory.address() & (ALIGN - 1);
            this.address = memory.address() + pad;
            this.bytes = new Span(address, size).asByteBuffer().order(ByteOrder.nativeOrder());
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
    }

    /** {@code size} bytes at {@code address}, owning nothing: a position would cap the buffer below 2 GiB. */
    private static final class Span extends BytePointer {
        Span(long address, long size) {
            this.address = address;
            this.capacity = size;
            this.limit = size;
        }
    }

    /** Starts an access: false (and nothing held) when the memory is closed. */
    boolean tryAcquire() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if (s < 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends an access; the last one after {@link #close()} frees the memory. */
    void release() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if ((s & ~CLOSED) == 0) {
                throw new IllegalStateException("release() without a matching acquire()");
            }
            if (STATE.compareAndSet(this, s, s - 1)) {
                if (s == (CLOSED | 1)) {
                    memory.close();
                }
                return;
            }
        }
    }

    /** Closes the memory: later acquires fail; freed now, or by the last access in flight. Idempotent. */
    void close() {
        int before = (int) STATE.getAndBitwiseOr(this, CLOSED);
        if (before == 0) {
            memory.close();
        }
    }

    boolean isClosed() {
        return (int) STATE.getVolatile(this) < 0;
    }

    /**
     * Claims this memory for {@code operation} on the calling thread, until {@link #unclaim()}.
     * @throws IllegalStateException naming both operations and threads when another claim is held
     */
    void claim(String operation) {
        Thread me = Thread.currentThread();
        if (!CLAIMANT.compareAndSet(this, null, me)) {
            Thread other = claimant;
            String what = claimedFor;
            throw new IllegalStateException(operation + " on thread '" + me.getName() + "' while "
                    + (other == me ? "this thread" : "thread '" + (other == null ? "?" : other.getName()) + "'")
                    + " is in " + (what == null ? "another operation" : what)
                    + " on the same parameters: a network and its optimizer are used from one thread at a time");
        }
        claimedFor = operation;
    }

    void unclaim() {
        claimedFor = null;
        claimant = null;
    }
}
