// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.backend.internal.InUse;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void allocateIsZeroFilledAndOfCopiesRowMajor() {
        try (Tensor t = Tensor.allocate(2, 3); Tensor u = Tensor.of(2, 2, 1, 2, 3, 4)) {
            assertArrayEquals(new float[6], t.toArray());
            assertEquals(2, t.rows());
            assertEquals(3, t.cols());
            assertEquals(6, t.size());
            assertEquals("[2, 3]", t.shape());
            assertEquals(3f, u.get(1, 0));
            assertEquals(4f, u.get(3));
        }
    }

    /** Owned memory starts on a cache line, whatever malloc returns; its contents and views are the tensor's. */
    @Test
    void memoryStartsOnACacheLine() {
        java.util.List<Tensor> held = new java.util.ArrayList<>();
        try {
            for (int n = 1; n <= 300; n += 7) {   // sizes that malloc serves from its bins and from mmap
                Tensor t = Tensor.allocate(n, n % 5 == 0 ? 4000 : 3);
                held.add(t);
                assertEquals(0, t.address() % Storage.ALIGN, "tensor " + t.shape() + " at " + Long.toHexString(t.address()));
                assertEquals(0f, t.get(t.size() - 1));
                t.set(t.size() - 1, 7f);
                assertEquals(7f, t.rows(n - 1, 1).get(t.cols() - 1));
            }
        } finally {
            held.forEach(Tensor::close);
        }
    }

    @Test
    void emptyTensorsAreAllowed() {
        try (Tensor t = Tensor.allocate(0, 5)) {
            assertEquals(0, t.size());
            assertArrayEquals(new float[0], t.toArray());
            assertFalse(t.overlaps(t), "no element, no overlap");
        }
    }

    @Test
    void badShapesThrowIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(65536, 65536));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(2, 2, 1, 2, 3));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        try (Tensor t = Tensor.allocate(3, 4)) {
            assertThrows(IllegalArgumentException.class, () -> t.view(10, 1, 3));
            assertThrows(IllegalArgumentException.class, () -> t.view(-1, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> t.view(0, -1, 1));
            assertThrows(IllegalArgumentException.class, () -> t.rows(2, 2));
            assertThrows(IllegalArgumentException.class, () -> t.rows(-1, 1));
            assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[5]));
            try (Tensor other = Tensor.allocate(1, 5)) {
                assertThrows(IllegalArgumentException.class, () -> t.copyFrom(other));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(12));
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> t.set(3, 0, 1f));
        }
    }

    @Test
    void viewsShareMemory() {
        try (Tensor t = Tensor.of(3, 2, 1, 2, 3, 4, 5, 6)) {
            Tensor v = t.view(1, 2, 2);   // elements 1..4
            assertArrayEquals(new float[]{2, 3, 4, 5}, v.toArray());
            v.set(0, 0, 20f);
            assertEquals(20f, t.get(1));
            t.set(4, 50f);
            assertEquals(50f, v.get(1, 1));
            assertEquals(20f, InUse.buffer(v).get(0), "buffer index 0 is the view's element 0");
            Tensor r = t.rows(1, 2);
            assertEquals("[2, 2]", r.shape());
            assertArrayEquals(new float[]{3, 4, 50, 6}, r.toArray());
            Tensor sub = r.rows(1, 1);   // a view of a view
            assertArrayEquals(new float[]{50, 6}, sub.toArray());
        }
    }

    @Test
    void closingTheOwnerInvalidatesViewsAndClosingAViewDoesNothing() {
        Tensor t = Tensor.of(2, 2, 1, 2, 3, 4);
        Tensor v = t.rows(1, 1);
        v.close();
        assertFalse(t.isClosed());
        assertFalse(v.isClosed());
        assertEquals(3f, v.get(0), "a closed view still reads its owner's memory");
        t.close();
        assertTrue(t.isClosed());
        assertTrue(v.isClosed());
        assertThrows(IllegalStateException.class, () -> t.get(0));
        assertThrows(IllegalStateException.class, () -> v.get(0));
        assertThrows(IllegalStateException.class, () -> v.copyTo(0, new float[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> t.view(0, 1, 1));
        assertThrows(IllegalStateException.class, t::zero);
        assertThrows(IllegalStateException.class, t::toArray);
        t.close();   // idempotent
        assertEquals("Tensor[2, 2] (closed)", t.toString());
    }

    @Test
    void overlapsAndSameElements() {
        try (Tensor t = Tensor.allocate(4, 3); Tensor other = Tensor.allocate(4, 3)) {
            Tensor a = t.rows(0, 2);
            Tensor b = t.rows(1, 2);
            Tensor c = t.rows(2, 2);
            Tensor sameAsA = t.view(0, 3, 2);   // same 6 elements, another shape
            assertTrue(a.overlaps(b));
            assertTrue(b.overlaps(a));
            assertFalse(a.overlaps(c), "adjacent ranges do not overlap");
            assertFalse(t.overlaps(other), "different storage");
            assertTrue(a.sameElements(sameAsA));
            assertFalse(a.sameElements(b));
            assertTrue(t.sameElements(t));
            assertFalse(t.sameElements(other));
            assertTrue(t.overlaps(c));
            assertFalse(t.sameElements(c));
        }
    }

    @Test
    void copyZeroFill() {
        try (Tensor t = Tensor.allocate(2, 3); Tensor src = Tensor.of(3, 2, 1, 2, 3, 4, 5, 6)) {
            t.copyFrom(src);   // same size, different shape
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, t.toArray());
            t.copyFrom(new float[]{6, 5, 4, 3, 2, 1});
            assertArrayEquals(new float[]{6, 5, 4, 3, 2, 1}, t.toArray());
            t.rows(1, 1).fill(7f);
            assertArrayEquals(new float[]{6, 5, 4, 7, 7, 7}, t.toArray());
            t.rows(0, 1).zero();
            assertArrayEquals(new float[]{0, 0, 0, 7, 7, 7}, t.toArray());
            t.fill(-0f);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.get(5)), "fill keeps the sign of zero");
            t.fill(Float.NaN);
            assertTrue(Float.isNaN(t.get(0)));
            assertEquals(2f, src.get(1), "the source is untouched");
        }
    }

    @Test
    void addressIsTheViewsFirstElement() {
        try (Tensor t = Tensor.allocate(3, 2)) {
            Tensor v = t.rows(1, 2);
            assertEquals(t.address() + 2 * Float.BYTES, v.address(), "element 2 of the same allocation");
            assertEquals(v.address(), v.view(0, 1, 1).address(), "a view's view at element 0");
        }
    }

    /** Regression: zero() and copyFrom(Tensor) on a view at a non-zero offset wrote the owner's first bytes. */
    @Test
    void zeroAndCopyFromWriteExactlyTheViewsElements() {
        try (Tensor t = Tensor.of(1, 8, 1, 2, 3, 4, 5, 6, 7, 8)) {
            t.view(2, 1, 3).zero();
            assertArrayEquals(new float[] {1, 2, 0, 0, 0, 6, 7, 8}, t.toArray());
            t.view(5, 1, 2).copyFrom(t.view(0, 1, 2));
            assertArrayEquals(new float[] {1, 2, 0, 0, 0, 1, 2, 8}, t.toArray());
            t.view(1, 1, 4).copyFrom(t.view(0, 1, 4));   // overlapping ranges: as memmove
            assertArrayEquals(new float[] {1, 1, 2, 0, 0, 1, 2, 8}, t.toArray());
            float[] into = new float[3];
            t.view(5, 1, 3).copyTo(into);
            assertArrayEquals(new float[] {1, 2, 8}, into);
        }
    }
}
