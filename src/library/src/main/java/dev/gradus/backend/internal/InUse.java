// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.internal;

import dev.gradus.Labels;
import dev.gradus.Tensor;

/**
 * The backends' access to tensor memory: holds the memory of a kernel's tensors for the length of one
 * call, so that a tensor closed by another thread meanwhile is freed only after the call, and the
 * next call throws. Both backends wrap every kernel in
 * {@code InUse.acquire(...); try { ... } finally { InUse.release(...); }}. {@code acquire} takes the
 * tensors in order and, when one is closed already, gives back those it took before throwing;
 * {@code release} gives back all. Null tensors (absent optional arguments) are skipped.
 *
 * <p>Also the native address of a tensor, valid while it is held, and the claims by which a network's
 * training passes and its optimizer's steps detect each other across threads ({@link #claim}).
 *
 * <p>These are the tensors' own lifetime operations, kept out of the public {@link Tensor} API: an
 * unmatched release could free memory under another thread's kernel. {@link Tensor} installs them
 * here once, as it initializes ({@link #install}); nothing else can.
 */
public final class InUse {
    /** The lifetime operations of tensors and labels, implemented in their package. */
    public interface Access {
        /** Holds {@code t}'s memory; throws IllegalStateException (holding nothing) if it is closed. */
        void acquire(Tensor t);
        /** Ends a hold begun by {@link #acquire(Tensor)}. */
        void release(Tensor t);
        /** The address of {@code t}'s element 0. */
        long address(Tensor t);
        /** A direct buffer over exactly {@code t}'s elements; throws IllegalStateException if it is closed. */
        java.nio.FloatBuffer buffer(Tensor t);
        /** A direct buffer over exactly {@code l}'s labels; throws IllegalStateException if they are closed. */
        java.nio.IntBuffer buffer(Labels l);
        /** As {@link #acquire(Tensor)}, for labels. */
        void acquire(Labels l);
        /** As {@link #release(Tensor)}, for labels. */
        void release(Labels l);
        /** The address of label 0. */
        long address(Labels l);
        /** Claims {@code t}'s memory for {@code operation} on this thread; throws naming both if claimed. */
        void claim(Tensor t, String operation);
        /** Ends the claim begun by {@link #claim}. */
        void unclaim(Tensor t);
    }

    private static volatile Access access;

    static {
        try {   // Tensor's initializer installs the access: done before anyone else can call install
            Class.forName(Tensor.class.getName(), true, InUse.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private InUse() {}

    /**
     * Called once, by {@link Tensor}'s class initializer.
     * @throws IllegalStateException on any later call
     */
    public static void install(Access a) {
        if (access != null || a == null) {
            throw new IllegalStateException("tensor access is installed by Tensor, once");
        }
        access = a;
    }

    /** Holds {@code a}; see the class comment. @throws IllegalStateException if it is closed */
    public static void acquire(Tensor a) {
        access.acquire(a);
    }

    /** Holds both, or neither. @throws IllegalStateException if one is closed */
    public static void acquire(Tensor a, Tensor b) {
        acquire(a, b, null, null, null);
    }

    /** Holds all three, or none. @throws IllegalStateException if one is closed */
    public static void acquire(Tensor a, Tensor b, Tensor c) {
        acquire(a, b, c, null, null);
    }

    /** Holds all (nulls skipped), or none. @throws IllegalStateException if one is closed */
    public static void acquire(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e) {
        Access m = access;
        take(m, a);
        try {
            take(m, b);
            try {
                take(m, c);
                try {
                    take(m, d);
                    try {
                        take(m, e);
                    } catch (RuntimeException ex) {
                        give(m, d);
                        throw ex;
                    }
                } catch (RuntimeException ex) {
                    give(m, c);
                    throw ex;
                }
            } catch (RuntimeException ex) {
                give(m, b);
                throw ex;
            }
        } catch (RuntimeException ex) {
            give(m, a);
            throw ex;
        }
    }

    /** The tensors (nulls skipped), then the labels; all or none. @throws IllegalStateException if one is closed */
    public static void acquire(Tensor a, Tensor b, Labels labels) {
        acquire(a, b);
        try {
            access.acquire(labels);
        } catch (RuntimeException ex) {
            release(a, b);
            throw ex;
        }
    }

    /** Holds {@code l}. @throws IllegalStateException if the labels are closed */
    public static void acquire(Labels l) {
        access.acquire(l);
    }

    /** Ends {@link #acquire(Labels)}. */
    public static void release(Labels l) {
        access.release(l);
    }

    /** Ends {@link #acquire(Tensor)}. */
    public static void release(Tensor a) {
        access.release(a);
    }

    /** Ends {@link #acquire(Tensor, Tensor)}. */
    public static void release(Tensor a, Tensor b) {
        Access m = access;
        give(m, a); give(m, b);
    }

    /** Ends {@link #acquire(Tensor, Tensor, Tensor)}. */
    public static void release(Tensor a, Tensor b, Tensor c) {
        Access m = access;
        give(m, a); give(m, b); give(m, c);
    }

    /** Ends {@link #acquire(Tensor, Tensor, Tensor, Tensor, Tensor)}. */
    public static void release(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e) {
        Access m = access;
        give(m, a); give(m, b); give(m, c); give(m, d); give(m, e);
    }

    /** Ends {@link #acquire(Tensor, Tensor, Labels)}. */
    public static void release(Tensor a, Tensor b, Labels labels) {
        access.release(labels);
        release(a, b);
    }

    /** The address of element 0, or 0 (C's NULL) for an absent optional tensor; valid while held. */
    public static long address(Tensor t) {
        return t == null ? 0L : access.address(t);
    }

    /**
     * A direct buffer over exactly {@code t}'s elements (index 0 = element 0), for the library's Java
     * code: the memory itself, so used between acquire and release (or on memory no other thread can
     * close), its position and limit left alone. Not for applications, which copy instead.
     * @throws IllegalStateException if the tensor is closed
     */
    public static java.nio.FloatBuffer buffer(Tensor t) {
        return access.buffer(t);
    }

    /** As {@link #buffer(Tensor)}, for labels. */
    public static java.nio.IntBuffer buffer(Labels l) {
        return access.buffer(l);
    }

    /** The address of label 0; valid while held. */
    public static long address(Labels l) {
        return access.address(l);
    }

    /**
     * Claims {@code t}'s memory for {@code operation} (a constant such as {@code "Network.forward"})
     * on the calling thread until {@link #unclaim}: a network's passes and an optimizer's steps claim
     * the parameter buffer, so that two threads training one network fail fast instead of corrupting it.
     * @throws IllegalStateException naming both operations and threads when another claim is held
     */
    public static void claim(Tensor t, String operation) {
        access.claim(t, operation);
    }

    /** Ends the claim begun by {@link #claim}. */
    public static void unclaim(Tensor t) {
        access.unclaim(t);
    }

    private static void take(Access m, Tensor t) {
        if (t != null) {
            m.acquire(t);
        }
    }

    private static void give(Access m, Tensor t) {
        if (t != null) {
            m.release(t);
        }
    }
}
