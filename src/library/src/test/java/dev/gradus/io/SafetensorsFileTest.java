// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir Path dir;

    private static final StoredTensor W = new StoredTensor("0.weight", new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, Float.MIN_VALUE, -0f});
    private static final StoredTensor B = new StoredTensor("0.bias", new long[] {2}, new float[] {0.25f, Float.MAX_VALUE});

    @Test
    void roundTripKeepsNamesShapesValuesBitsAndMetadata() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsFile.write(f, Map.of("format", "gradus-model/1", "note", "<ü>"), List.of(W, B));
        SafetensorsFile back = SafetensorsFile.read(f);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(back.tensors().keySet()));
        assertEquals(W, back.tensor("0.weight"));
        assertEquals(B, back.tensor("0.bias"));
        assertEquals("gradus-model/1", back.meta("format"));
        assertEquals("<ü>", back.meta("note"));
        assertTrue(Float.floatToRawIntBits(back.tensor("0.weight").data()[5]) == Float.floatToRawIntBits(-0f), "-0 keeps its sign");
    }

    /** An independent minimal reader (not SafetensorsFile's code) sees the layout the format prescribes. */
    @Test
    void layoutMatchesTheSpecificationAsSeenByAMinimalReader() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsFile.write(f, Map.of("format", "gradus-model/1"), List.of(W, B));
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.US_ASCII);
        assertEquals('{', header.charAt(0));
        JsonObject h = JsonParser.parseString(header).getAsJsonObject();
        JsonObject w = h.getAsJsonObject("0.weight");
        assertEquals("F32", w.get("dtype").getAsString());
        assertEquals("[2,3]", w.get("shape").toString());
        assertEquals("[0,24]", w.get("data_offsets").toString());
        assertEquals("[24,32]", h.getAsJsonObject("0.bias").get("data_offsets").toString());
        assertEquals("gradus-model/1", h.getAsJsonObject("__metadata__").get("format").getAsString());
        assertEquals(8 + n + 32, bytes.length);
        int data = (int) (8 + n);
        assertEquals(3.5f, bb.getFloat(data + 2 * 4));
        assertEquals(Float.MAX_VALUE, bb.getFloat(data + 24 + 4));
    }

    @Test
    void writeLeavesNoTemporaryFileAndAFailedWriteKeepsTheOldFile() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsFile.write(f, Map.of(), List.of(B));
        byte[] before = Files.readAllBytes(f);
        assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "only the target remains, no temporary file");
        }
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> SafetensorsFile.read(dir.resolve("absent.safetensors")));
    }

    @Test
    void truncatedAndForeignFilesAreRejectedWithTheFileAndTheReason() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsFile.write(good, Map.of(), List.of(W, B));
        byte[] bytes = Files.readAllBytes(good);

        expectBad(java.util.Arrays.copyOf(bytes, 5), "too short");
        expectBad(java.util.Arrays.copyOf(bytes, bytes.length - 4), "truncated");
        expectBad(concat(bytes, new byte[4]), "bytes follow the last tensor");
        expectBad("PK\u0003\u0004 this is a zip, not a model".getBytes(StandardCharsets.ISO_8859_1), "header length");
        byte[] hugeLength = bytes.clone();
        ByteBuffer.wrap(hugeLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        expectBad(hugeLength, "header length");
    }

    @Test
    void headerContentsAreValidated() throws IOException {
        expectBad(withHeader("[1,2]", 0), "header does not start with '{'");
        expectBad(withHeader("{\"a\": ", 0), "not valid JSON");
        expectBad(withHeader("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "dtype F16");
        expectBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        expectBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "starts at data byte 4");
        expectBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "impossible dimension");
        expectBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8), "data_offsets is missing");
        expectBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"x\"],\"data_offsets\":[0,8]}}", 8), "not an integer");
        expectBad(withHeader("{\"__metadata__\":{\"k\":1}}", 0), "'k' is not a string");
    }

    /** Issue 8: a sparse 1.9 GB file with a wrong 8-byte header length was read whole before the length was checked. */
    @Test
    void declaredSizesAreCheckedAgainstTheFileBeforeAnythingIsRead() throws IOException {
        Path sparse = dir.resolve("sparse.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(1_900_000_000L);   // sparse: no disk space used
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40).array());
        }
        expectBad(sparse, "header length 1099511627776 does not fit the file size 1900000000");
        long heap = dev.gradus.HeapBytes.of(() -> SafetensorsFile.read(sparse));
        assertTrue(heap < 1 << 20, "reading the refused file allocated " + heap + " bytes");

        // a tensor that claims 400 MB of a 100-byte data area is refused before its values are read
        Path claims = Files.write(dir.resolve("claims.safetensors"),
                withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[100000000],\"data_offsets\":[0,400000000]}}", 100));
        expectBad(claims, "ends at data byte 400000000 but the data area has only 100 bytes");
        heap = dev.gradus.HeapBytes.of(() -> SafetensorsFile.read(claims));
        assertTrue(heap < 1 << 20, "reading the refused file allocated " + heap + " bytes");
    }

    /**
     * Issue 8: a header over the reference implementation's 100,000,000 bytes was written, and then refused
     * by Gradus's own reader as "does not fit the file size". Now the writer refuses to make one, naming
     * the entry that makes it big, and the reader says what is wrong with one.
     */
    @Test
    void headersOverTheReferenceLimitAreNeitherWrittenNorRead() throws IOException {
        Path f = dir.resolve("big.safetensors");
        String big = "x".repeat(100_000_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsFile.write(f, Map.of("note", "small", "history", big), List.of(B)));
        assertTrue(e.getMessage().contains("more than the 100,000,000 bytes that safetensors readers accept"), e.getMessage());
        assertTrue(e.getMessage().contains("'history', has 100,000,000 characters"), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing written, no temporary file");
        }
        // a header just over the limit, in a file long enough to hold it (sparse)
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8 + 100_000_008L);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100_000_008L).array());
        }
        expectBad(f, "header is 100,000,008 bytes, more than the 100,000,000 bytes that safetensors readers accept");
    }

    private void expectBad(Path f, String reason) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> SafetensorsFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "message says '" + reason + "': " + e.getMessage());
    }

    private void expectBad(byte[] content, String reason) throws IOException {
        expectBad(Files.write(dir.resolve("bad.safetensors"), content), reason);
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
