// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The safetensors container, float32 and int64 tensors: an 8-byte little-endian header length {@code n}, then
 * {@code n} bytes of UTF-8 JSON ({@code {"__metadata__": {string: string}, "name": {"dtype": "F32",
 * "shape": [...], "data_offsets": [begin, end]}, ...}}, padded with spaces to a multiple of 8),
 * then the tensors' little-endian bytes; offsets count from the end of the header. The tensors
 * tile the data area in order, with no gap and no overlap, as the reference implementation demands.
 *
 * <p>{@link #read} checks everything before it trusts anything: the header length against the file
 * size, the JSON, every dtype, shape, offset and size, and that nothing follows the last tensor.
 * A violation is a {@link FileFormatException} naming the file and what is wrong.
 */
public record SafetensorsFile(Path path, Map<String, String> metadata, Map<String, StoredTensor> tensors) {

    /**
     * The largest header, in bytes, that the reference implementation reads ({@code MAX_HEADER_SIZE} of
     * huggingface/safetensors): this reader refuses larger ones and the writer never makes one.
     */
    static final long MAX_HEADER_BYTES = 100_000_000;

    public SafetensorsFile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensor called {@code name}; a {@link FileFormatException} if the file has none. */
    public StoredTensor tensor(String name) {
        StoredTensor t = tensors.get(name);
        if (t == null) {
            throw new FileFormatException(path, "has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return t;
    }

    /** The metadata entry {@code key}; a {@link FileFormatException} if it is absent. */
    public String meta(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new FileFormatException(path, "has no metadata entry '" + key + "'");
        }
        return v;
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * Writes {@code tensors} in the given order, with {@code metadata}, atomically (see {@link AtomicFile}).
     *
     * @throws IllegalArgumentException when the header would exceed the {@value #MAX_HEADER_BYTES} bytes that
     *         safetensors readers accept (this one included), naming the largest metadata entry; nothing is written
     */
    public static void write(Path file, Map<String, String> metadata, List<StoredTensor> tensors) throws IOException {
        byte[] header = header(metadata, tensors);
        AtomicFile.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            out.write(length.array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (StoredTensor t : tensors) {
                if (t.data() != null) {
                    for (float v : t.data()) {
                        if (chunk.remaining() < Float.BYTES) {
                            out.write(chunk.array(), 0, chunk.position());
                            chunk.clear();
                        }
                        chunk.putFloat(v);
                    }
                } else {
                    for (long v : t.int64()) {
                        if (chunk.remaining() < Long.BYTES) {
                            out.write(chunk.array(), 0, chunk.position());
                            chunk.clear();
                        }
                        chunk.putLong(v);
                    }
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }

    private static byte[] header(Map<String, String> metadata, List<StoredTensor> tensors) {
        long characters = 0;   // a lower bound on the header's bytes, before any of it is built
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            characters += e.getKey().length() + e.getValue().length();
        }
        if (characters > MAX_HEADER_BYTES) {
            throw headerTooLarge(metadata);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (StoredTensor t : tensors) {
            if (t.name().equals("__metadata__") || root.containsKey(t.name())) {
                throw new IllegalArgumentException("tensor name '" + t.name() + "' is reserved or used twice");
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype());
            List<Object> shape = new ArrayList<>();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.put("shape", shape);
            long end = offset + (long) t.size() * Dtype.valueOf(t.dtype()).bytes;
            entry.put("data_offsets", List.of(offset, end));
            offset = end;
            root.put(t.name(), entry);
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        if (json.length > MAX_HEADER_BYTES) {   // MAX_HEADER_BYTES is a multiple of 8: padding stays within it
            throw headerTooLarge(metadata);
        }
        // pad with spaces so that the data starts 8-byte aligned, as the reference writer does
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static IllegalArgumentException headerTooLarge(Map<String, String> metadata) {
        String largest = null;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (largest == null || e.getValue().length() > metadata.get(largest).length()) {
                largest = e.getKey();
            }
        }
        return new IllegalArgumentException(String.format(Locale.ROOT, "the safetensors header would be more than the "
                + "%,d bytes that safetensors readers accept", MAX_HEADER_BYTES)
                + (largest == null ? "" : String.format(Locale.ROOT, " (the largest metadata entry, '%s', has %,d characters)",
                largest, metadata.get(largest).length())));
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads and validates {@code file}. Tensors come back in the order of their data. The header length
     * is checked against the file's size before the header is read, and every tensor's extent against
     * the data area before its values are, so a corrupt or foreign file costs no more memory than its
     * real contents.
     */
    public static SafetensorsFile read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, "is a directory, not a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new FileFormatException(file, "is " + size + " bytes long, too short for a safetensors header");
            }
            if (size > Integer.MAX_VALUE) {
                throw new FileFormatException(file, "is " + size + " bytes long; files over 2 GiB are not supported");
            }
            long headerLength = bytesAt(file, channel, 0, 8).getLong(0);
            if (headerLength <= 0 || headerLength > size - 8) {
                throw new FileFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                        + " does not fit the file size " + size + " (not a safetensors file, or truncated)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new FileFormatException(file, String.format(Locale.ROOT, "header is %,d bytes, more than the %,d bytes "
                        + "that safetensors readers accept", headerLength, MAX_HEADER_BYTES));
            }
            ByteBuffer header = bytesAt(file, channel, 8, (int) headerLength);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            Map<String, Object> root = parseHeader(file, json);
            long dataStart = 8 + headerLength;
            return parseBody(file, root, channel, dataStart, size - dataStart);
        }
    }

    /** {@code length} bytes of {@code channel} from {@code position}, little-endian. */
    private static ByteBuffer bytesAt(Path file, FileChannel channel, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw new FileFormatException(file, "ends at byte " + (position + b.position()) + " while being read"
                        + " (changed or truncated meanwhile?)");
            }
        }
        return b.flip();
    }

    private static Map<String, Object> parseHeader(Path file, String json) {
        if (!json.startsWith("{")) {
            throw new FileFormatException(file, "header does not start with '{' (not a safetensors file)");
        }
        try {
            return Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "header is not valid JSON: " + e.getMessage());
        }
    }

    /** The element types this reader knows, by their safetensors names, and each one's size. */
    private enum Dtype {
        F32(Float.BYTES),
        I64(Long.BYTES);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One header entry: where a tensor lies in the data area, checked against its dtype and shape. */
    private record Span(String name, Dtype dtype, long[] shape, long begin, long end) {}

    private static SafetensorsFile parseBody(Path file, Map<String, Object> root, FileChannel channel, long dataStart,
                                             long dataBytes) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                spans.add(span(file, e.getKey(), e.getValue()));
            }
        }
        spans.sort(Comparator.comparingLong(Span::begin));
        long expected = 0;
        for (Span s : spans) {
            if (s.begin != expected) {
                throw new FileFormatException(file, "tensor '" + s.name + "' starts at data byte " + s.begin
                        + ", expected " + expected + " (tensors must tile the data without gaps or overlaps)");
            }
            if (s.end > dataBytes) {
                throw new FileFormatException(file, "tensor '" + s.name + "' ends at data byte " + s.end
                        + " but the data area has only " + dataBytes + " bytes (truncated file?)");
            }
            expected = s.end;
        }
        if (expected != dataBytes) {
            throw new FileFormatException(file, (dataBytes - expected)
                    + " bytes follow the last tensor (corrupt or not written by a safetensors writer)");
        }
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Span s : spans) {
            tensors.put(s.name, switch (s.dtype) {
                case F32 -> new StoredTensor(s.name, s.shape, floatsAt(file, channel, dataStart + s.begin,
                        (int) ((s.end - s.begin) / Float.BYTES)));
                case I64 -> StoredTensor.ofInt64(s.name, s.shape, longsAt(file, channel, dataStart + s.begin,
                        (int) ((s.end - s.begin) / Long.BYTES)));
            });
        }
        return new SafetensorsFile(file, metadata, tensors);
    }

    /** {@code count} little-endian floats from {@code position}, read in chunks. */
    private static float[] floatsAt(Path file, FileChannel channel, long position, int count) throws IOException {
        float[] values = new float[count];
        int chunk = 1 << 14;
        for (int done = 0; done < count; done += chunk) {
            int n = Math.min(chunk, count - done);
            bytesAt(file, channel, position + (long) done * Float.BYTES, n * Float.BYTES).asFloatBuffer().get(values, done, n);
        }
        return values;
    }

    /** {@code count} little-endian int64 values from {@code position}, read in chunks. */
    private static long[] longsAt(Path file, FileChannel channel, long position, int count) throws IOException {
        long[] values = new long[count];
        int chunk = 1 << 13;
        for (int done = 0; done < count; done += chunk) {
            int n = Math.min(chunk, count - done);
            bytesAt(file, channel, position + (long) done * Long.BYTES, n * Long.BYTES).asLongBuffer().get(values, done, n);
        }
        return values;
    }

    private static void readMetadata(Path file, Object value, Map<String, String> into) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new FileFormatException(file, "__metadata__ is not a JSON object");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw new FileFormatException(file, "__metadata__ entry '" + e.getKey() + "' is not a string");
            }
            into.put((String) e.getKey(), v);
        }
    }

    private static Span span(Path file, String name, Object value) {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> o)) {
            throw new FileFormatException(file, where + " is not a JSON object");
        }
        if (!(o.get("dtype") instanceof String dtypeName)) {
            throw new FileFormatException(file, where + " has no dtype");
        }
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, where + " has dtype " + dtypeName + "; only F32 and I64 are supported");
        }
        long[] shape = longs(file, where + " shape", o.get("shape"), -1);
        long[] offsets = longs(file, where + " data_offsets", o.get("data_offsets"), 2);
        long count = 1;
        for (long d : shape) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new FileFormatException(file, where + " has an impossible dimension " + d);
            }
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw new FileFormatException(file, where + " is too large");
            }
        }
        if (offsets[0] < 0 || offsets[1] < offsets[0]) {
            throw new FileFormatException(file, where + " has invalid data_offsets [" + offsets[0] + ", " + offsets[1] + "]");
        }
        if (offsets[1] - offsets[0] != count * dtype.bytes) {
            throw new FileFormatException(file, where + " of shape " + java.util.Arrays.toString(shape) + " needs "
                    + count * dtype.bytes + " bytes, but its data_offsets span " + (offsets[1] - offsets[0]));
        }
        return new Span(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] longs(Path file, String what, Object e, int length) {
        if (!(e instanceof List<?> a) || (length >= 0 && a.size() != length)) {
            throw new FileFormatException(file, what + " is missing or not an array"
                    + (length >= 0 ? " of " + length + " integers" : " of integers"));
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = a.get(i);
            try {
                out[i] = Json.number(x, what).asLong();
            } catch (IllegalArgumentException ex) {
                throw new FileFormatException(file, what + " holds " + (x instanceof String ? '"' + (String) x + '"' : x)
                        + ", not an integer");
            }
        }
        return out;
    }
}
