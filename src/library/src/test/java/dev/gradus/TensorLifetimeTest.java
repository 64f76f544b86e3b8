// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * What native code may trust: a tensor's memory is never freed under an access in flight, no public
 * method hands out a JavaCPP pointer whose position a caller could move (the old
 * {@code x.pointer().position(1L << 36)} made the next forward read 256 GiB past the tensor), the raw
 * kernel binding is not public, and a tensor too large for its buffer is refused before any memory is
 * taken.
 */
class TensorLifetimeTest {

    @Test
    void closingDuringAnAccessFreesTheMemoryWhenTheAccessEnds() {
        long before = Pointer.totalBytes();
        Tensor t = Tensor.allocate(256, 1024);   // 1 MiB, and the slack that puts it on a cache line
        long bytes = (1 << 20) + Storage.ALIGN - 1;
        assertEquals(before + bytes, Pointer.totalBytes());
        t.acquire();
        t.close();
        assertTrue(t.isClosed(), "closed at once for every later use");
        assertThrows(IllegalStateException.class, t::acquire);
        assertThrows(IllegalStateException.class, () -> t.get(0));
        assertEquals(before + bytes, Pointer.totalBytes(), "still allocated: an access is in flight");
        t.release();
        assertEquals(before, Pointer.totalBytes(), "freed when the access in flight ended");
        assertThrows(IllegalStateException.class, t::release, "a release without its acquire");
    }

    @Test
    void labelsFollowTheSameLifetime() {
        long before = Pointer.totalBytes();
        Labels l = Labels.allocate(1 << 18);
        l.acquire();
        l.close();
        assertThrows(IllegalStateException.class, l::acquire);
        assertEquals(before + (1 << 20) + Storage.ALIGN - 1, Pointer.totalBytes());
        l.release();
        assertEquals(before, Pointer.totalBytes());
    }

    @Test
    void noPublicMethodHandsOutAPointerOrTheMemoryAsABuffer() {
        // a direct buffer is the memory itself: kept past a close it reads freed memory (a SIGSEGV once
        // the pages are unmapped), and its position and limit moved by a caller broke the next copy
        for (Class<?> c : new Class<?>[] {Tensor.class, Labels.class}) {
            for (Method m : c.getMethods()) {
                assertFalse(Pointer.class.isAssignableFrom(m.getReturnType()),
                        c.getSimpleName() + "." + m.getName() + " returns a " + m.getReturnType().getSimpleName());
                assertFalse(java.nio.Buffer.class.isAssignableFrom(m.getReturnType()),
                        c.getSimpleName() + "." + m.getName() + " returns a " + m.getReturnType().getSimpleName());
            }
        }
    }

    @Test
    void rangedCopiesCheckBothRanges() {
        try (Tensor t = Tensor.allocate(3, 4)) {
            float[] row = {1, 2, 3, 4, 5};
            t.copyFrom(4, row, 1, 4);
            float[] back = new float[6];
            t.copyTo(4, back, 2, 4);
            assertEquals(java.util.List.of(0f, 0f, 2f, 3f, 4f, 5f), boxed(back));
            assertEquals(0f, t.get(3));
            assertEquals(2f, t.get(1, 0));
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.copyFrom(9, row, 0, 4));
            assertTrue(e.getMessage().contains("4 elements from element 9 of tensor [3, 4]"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> t.copyTo(0, back, 3, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> t.copyTo(0, back, -1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> t.copyFrom(0, row, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> t.copyFrom(0, null, 0, 1));
            t.close();
            assertThrows(IllegalStateException.class, () -> t.copyTo(0, back, 0, 1));
        }
    }

    private static java.util.List<Float> boxed(float[] v) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    @Test
    void theKernelBindingIsNotPublic() throws ClassNotFoundException {
        Class<?> kernels = Class.forName("dev.gradus.backend.jni.NnKernels");
        assertFalse(Modifier.isPublic(kernels.getModifiers()), "NnKernels is package-private");
        for (Method m : kernels.getDeclaredMethods()) {
            assertFalse(Modifier.isPublic(m.getModifiers()), "NnKernels." + m.getName() + " is public");
        }
    }

    /**
     * Regression: a tensor over 2^29 − 1 elements allocated and zeroed its memory, then failed with an
     * IndexOutOfBoundsException in its buffer and kept the memory until a GC. It is refused up front now.
     */
    @Test
    void aTensorOverTheLimitIsRefusedBeforeAnythingIsAllocated() {
        long before = Pointer.totalBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.allocate(1 << 15, (1 << 14) + 1));
        assertTrue(e.getMessage().contains("[32768, 16385]") && e.getMessage().contains("536870911"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(1, Tensor.MAX_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(65536, 65536));
        assertThrows(IllegalArgumentException.class, () -> Labels.allocate(Labels.MAX_LENGTH + 1));
        assertEquals(before, Pointer.totalBytes(), "nothing allocated");
    }

    /** The documented limit holds exactly: a tensor of MAX_SIZE elements (2 GiB) works end to end. */
    @Test
    void aTensorOfTheMaximumSizeWorks() {
        assertEquals((1 << 29) - 1, Tensor.MAX_SIZE);
        try (Tensor t = Tensor.allocate(1, Tensor.MAX_SIZE)) {
            t.set(Tensor.MAX_SIZE - 1, 3f);
            assertEquals(3f, t.get(Tensor.MAX_SIZE - 1));
            assertEquals(0f, t.get(Tensor.MAX_SIZE - 2), "zero-filled");
            assertEquals(3f, t.rows(0, 1).view(Tensor.MAX_SIZE - 1, 1, 1).get(0), "a view at the last element");
        }
    }
}
