// SPDX-License-Identifier: Apache-2.0
package dev.gradus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.backend.internal.InUse;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void ofAndRangeShareMemory() {
        try (Labels l = Labels.of(3, 1, 4, 1, 5)) {
            assertEquals(5, l.length());
            Labels r = l.range(1, 3);
            assertArrayEquals(new int[]{1, 4, 1}, r.toArray());
            r.set(0, 9);
            assertEquals(9, l.get(1));
            assertEquals(9, InUse.buffer(r).get(0));
            assertArrayEquals(new int[]{4, 1}, r.range(1, 2).toArray(), "a range of a range");
        }
    }

    @Test
    void allocateIsZeroAndBadArgumentsThrow() {
        try (Labels l = Labels.allocate(4)) {
            assertArrayEquals(new int[4], l.toArray());
            assertThrows(IllegalArgumentException.class, () -> l.range(3, 2));
            assertThrows(IllegalArgumentException.class, () -> l.range(-1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> l.get(4));
            assertThrows(IndexOutOfBoundsException.class, () -> l.set(-1, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> Labels.allocate(-1));
    }

    @Test
    void firstOutOfRange() {
        try (Labels l = Labels.of(0, 2, 9, -1)) {
            assertEquals(2, l.firstOutOfRange(3));
            assertEquals(3, l.firstOutOfRange(10));
            assertEquals(-1, l.range(0, 2).firstOutOfRange(3));
        }
    }

    @Test
    void closingTheOwnerInvalidatesRangesAndClosingARangeDoesNothing() {
        Labels l = Labels.of(1, 2, 3);
        Labels r = l.range(0, 2);
        r.close();
        assertFalse(l.isClosed());
        assertEquals(2, r.get(1));
        l.close();
        assertTrue(r.isClosed());
        assertThrows(IllegalStateException.class, () -> l.get(0));
        assertThrows(IllegalStateException.class, () -> r.get(0));
        assertThrows(IllegalStateException.class, l::buffer);
        assertThrows(IllegalStateException.class, l::acquire);
        assertThrows(IllegalStateException.class, l::toArray);
        assertThrows(IllegalStateException.class, () -> l.range(0, 1));
        l.close();   // idempotent
        assertEquals("Labels[3] (closed)", l.toString());
    }
}
