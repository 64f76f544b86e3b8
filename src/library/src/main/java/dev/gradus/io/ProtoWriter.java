// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One Protocol Buffers message in the wire format, written field by field: the part of the encoding
 * that {@link OnnxExport} needs. A field is a key (its number shifted left by three, or'ed with the
 * wire type, as a varint) and a value: a varint (wire type 0: integers, enums; a negative int64 takes
 * ten bytes, as protobuf writes it), a little-endian 32-bit value (type 5: float) or a length-prefixed
 * run of bytes (type 2: strings, bytes, nested messages). Fields are written in the order called;
 * repeated fields are written one element at a time (the unpacked form every parser reads).
 *
 * <p>A message is limited to 2 GiB, as in every protobuf implementation: going past it is an
 * {@link IllegalStateException} saying so, never a wrapped size.
 */
final class ProtoWriter {
    /** Just under the 2 GiB that protobuf parsers accept (and the largest Java array). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;
    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LENGTH_DELIMITED = 2;

    private byte[] buf = new byte[64];
    private int size;

    /** An integer field (int32, int64, enum) as a varint. */
    ProtoWriter int64(int field, long value) {
        key(field, VARINT);
        varint(value);
        return this;
    }

    /** A float field as four little-endian bytes. */
    ProtoWriter float32(int field, float value) {
        key(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        ensure(4);
        for (int k = 0; k < 4; k++) {
            buf[size++] = (byte) (bits >>> (8 * k));
        }
        return this;
    }

    /** A string field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        return delimited(field, value, value.length);
    }

    /** A nested message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        return delimited(field, message.buf, message.size);
    }

    /** A bytes field holding {@code values} as little-endian float32 (ONNX's {@code raw_data}). */
    ProtoWriter floatsLittleEndian(int field, float[] values) {
        long length = 4L * values.length;
        if (length > MAX_BYTES) {
            throw tooLarge(length);
        }
        key(field, LENGTH_DELIMITED);
        varint(length);
        ensure(length);
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            buf[size] = (byte) bits;
            buf[size + 1] = (byte) (bits >>> 8);
            buf[size + 2] = (byte) (bits >>> 16);
            buf[size + 3] = (byte) (bits >>> 24);
            size += 4;
        }
        return this;
    }

    int size() { return size; }

    byte[] toByteArray() { return Arrays.copyOf(buf, size); }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
    }

    private ProtoWriter delimited(int field, byte[] data, int length) {
        key(field, LENGTH_DELIMITED);
        varint(length);
        ensure(length);
        System.arraycopy(data, 0, buf, size, length);
        size += length;
        return this;
    }

    private void key(int field, int wireType) {
        if (field < 1 || field > (1 << 29) - 1) {
            throw new IllegalArgumentException("protobuf field numbers are 1 to 2^29-1, got " + field);
        }
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void ensure(long more) {
        long needed = size + more;
        if (needed > MAX_BYTES) {
            throw tooLarge(needed);
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(MAX_BYTES, Math.max(needed, 2L * buf.length)));
        }
    }

    private static IllegalStateException tooLarge(long bytes) {
        return new IllegalStateException(String.format(java.util.Locale.ROOT,
                "a protobuf message is limited to 2 GiB; this one would need %,d bytes", bytes));
    }
}
