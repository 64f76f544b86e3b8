// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The wire format, byte for byte, against the encoding guide's own examples and hand-encoded fields. */
class ProtoWriterTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void varintsAsInTheEncodingGuide() {
        assertArrayEquals(hex("08 96 01"), new ProtoWriter().int64(1, 150).toByteArray());   // the guide's "Test1"
        assertArrayEquals(hex("08 00"), new ProtoWriter().int64(1, 0).toByteArray());
        assertArrayEquals(hex("08 7f"), new ProtoWriter().int64(1, 127).toByteArray());
        assertArrayEquals(hex("08 80 01"), new ProtoWriter().int64(1, 128).toByteArray());
        // a negative int64 is its two's complement: ten bytes
        assertArrayEquals(hex("08 ff ff ff ff ff ff ff ff ff 01"), new ProtoWriter().int64(1, -1).toByteArray());
        assertArrayEquals(hex("08 ff ff ff ff ff ff ff ff 7f"), new ProtoWriter().int64(1, Long.MAX_VALUE).toByteArray());
    }

    @Test
    void keysCarryTheFieldNumberAndWireType() {
        assertArrayEquals(hex("80 01 05"), new ProtoWriter().int64(16, 5).toByteArray());   // (16 << 3) | 0 = 128
        assertArrayEquals(hex("a0 01 02"), new ProtoWriter().int64(20, 2).toByteArray());   // AttributeProto.type
        assertArrayEquals(hex("f8 ff ff ff 0f 01"), new ProtoWriter().int64((1 << 29) - 1, 1).toByteArray());
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().int64(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().int64(1 << 29, 1));
    }

    @Test
    void stringsBytesAndNestedMessagesAreLengthDelimited() {
        assertArrayEquals(hex("12 07 74 65 73 74 69 6e 67"), new ProtoWriter().string(2, "testing").toByteArray());   // "Test2"
        // "Test3": field 3 holding a message whose field 1 is 150
        assertArrayEquals(hex("1a 03 08 96 01"), new ProtoWriter().message(3, new ProtoWriter().int64(1, 150)).toByteArray());
        assertArrayEquals(hex("12 02 c3 a9"), new ProtoWriter().string(2, "é").toByteArray());   // UTF-8
        assertArrayEquals(hex("22 00"), new ProtoWriter().bytes(4, new byte[0]).toByteArray());
        byte[] long300 = new ProtoWriter().bytes(1, new byte[300]).toByteArray();
        assertArrayEquals(hex("0a ac 02"), java.util.Arrays.copyOf(long300, 3));   // length 300 as a varint
        assertTrue(long300.length == 303);
    }

    @Test
    void floatsAreLittleEndianIeee754() {
        assertArrayEquals(hex("15 00 00 80 3f"), new ProtoWriter().float32(2, 1f).toByteArray());
        assertArrayEquals(hex("15 00 00 00 80"), new ProtoWriter().float32(2, -0f).toByteArray());
        assertArrayEquals(hex("4a 08 00 00 80 3f 00 00 00 c0"),
                new ProtoWriter().floatsLittleEndian(9, new float[] {1f, -2f}).toByteArray());
    }

    @Test
    void fieldsFollowInTheOrderWritten() {
        byte[] b = new ProtoWriter().int64(1, 8).string(2, "x").message(7, new ProtoWriter()).toByteArray();
        assertArrayEquals(hex("08 08 12 01 78 3a 00"), b);
    }
}
