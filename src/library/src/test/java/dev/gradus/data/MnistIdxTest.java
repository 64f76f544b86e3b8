// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.nn.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistIdxTest {
    @TempDir Path dir;

    /** An IDX file of unsigned bytes with the given dimensions and data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** 3 images of 2×2 pixels: 0, 255, 51·k … */
    private static byte[] pixels() {
        byte[] p = new byte[12];
        for (int i = 0; i < 12; i++) {
            p[i] = (byte) (i * 23);
        }
        p[0] = 0;
        p[1] = (byte) 255;
        return p;
    }

    @Test
    void readsRawAndGzipAlikeWhateverTheName() throws IOException {
        byte[] images = idx(new int[] {3, 2, 2}, pixels());
        byte[] labels = idx(new int[] {3}, new byte[] {7, 0, 9});
        // the gzip one is named like a raw file and the raw one like a gzip file: content decides
        try (Dataset raw = MnistIdx.load(write("img.gz", images), write("lab.gz", labels), 10);
             Dataset gz = MnistIdx.load(write("img", gzip(images)), write("lab", gzip(labels)), 10)) {
            assertEquals(3, raw.size());
            assertEquals(4, raw.featureCount());
            assertEquals(10, raw.classes());
            assertArrayEquals(raw.features().toArray(), gz.features().toArray());
            assertArrayEquals(new int[] {7, 0, 9}, gz.labels().toArray());
            float[] x = raw.features().toArray();
            byte[] p = pixels();
            for (int i = 0; i < 12; i++) {
                // exactly torchvision's ToTensor: float32(byte) / 255 in float32
                assertEquals((float) (p[i] & 0xFF) / 255f, x[i], "pixel " + i);
            }
            assertEquals(0f, x[0]);
            assertEquals(1f, x[1]);
        }
    }

    /** IDX images are images: [n, H, W] gives (1, H, W), [n, C, H, W] gives (C, H, W); subsets and splits keep it. */
    @Test
    void imagesKeepTheirShape() throws IOException {
        Path labels = write("lab", idx(new int[] {3}, new byte[] {7, 0, 9}));
        try (Dataset d = MnistIdx.load(write("img", idx(new int[] {3, 2, 2}, pixels())), labels, 10);
             Dataset head = d.head(2);
             Dataset.Split split = d.split(0.4, 1)) {
            assertEquals(Shape.image(1, 2, 2), d.sampleShape());
            assertEquals(Shape.image(1, 2, 2), head.sampleShape());
            assertEquals(Shape.image(1, 2, 2), split.train().sampleShape());
            assertEquals(Shape.image(1, 2, 2), split.validation().sampleShape());
        }
        Path rgb = write("rgb", idx(new int[] {1, 3, 2, 2}, pixels()));
        assertEquals(Shape.image(3, 2, 2), MnistIdx.readImageShape(rgb));
        assertEquals(Shape.flat(4), MnistIdx.readImageShape(write("flat", idx(new int[] {3, 4}, pixels()))));
        try (Tensor x = Tensor.allocate(2, 3); Labels y = Labels.allocate(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dataset.classification(x, y, Dataset.numberedClasses(2), Shape.image(1, 2, 2)));
            assertTrue(e.getMessage().contains("[1, 2, 2]") && e.getMessage().contains("3 per row"), e.getMessage());
        }
        try (Dataset flat = Dataset.classification(Tensor.allocate(2, 3), Labels.allocate(2), Dataset.numberedClasses(2))) {
            assertEquals(Shape.flat(3), flat.sampleShape(), "a dataset made from rows is flat");
        }
    }

    @Test
    void findsMnistFilesByTheirUsualNames() throws IOException {
        write("t10k-images-idx3-ubyte.gz", gzip(idx(new int[] {1, 1, 2}, new byte[] {1, 2})));
        write("t10k-labels.idx1-ubyte", idx(new int[] {1}, new byte[] {4}));
        try (Dataset d = MnistIdx.test(dir)) {
            assertEquals(1, d.size());
            assertEquals(4, d.labels().get(0));
        }
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> MnistIdx.train(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    private MalformedDataException bad(String name, byte[] bytes, boolean images) throws IOException {
        Path p = write(name, bytes);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> {
            if (images) {
                MnistIdx.readImages(p).close();
            } else {
                MnistIdx.readLabels(p, 10).close();
            }
        });
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
        assertEquals(p, e.file());
        return e;
    }

    @Test
    void badMagicNamesOffsetZero() throws IOException {
        byte[] b = idx(new int[] {3, 2, 2}, pixels());
        b[2] = 0x0D; // float data: not ours
        MalformedDataException e = bad("magic", b, true);
        assertEquals("offset 0", e.location());
        assertTrue(e.getMessage().contains("bad magic 0x00000d03"), e.getMessage());
        MalformedDataException text = bad("text", "hello world".getBytes(), true);
        assertTrue(text.getMessage().contains("bad magic"), text.getMessage());
    }

    @Test
    void wrongDimensionCounts() throws IOException {
        MalformedDataException e = bad("labels-as-images", idx(new int[] {3}, new byte[] {1, 2, 3}), true);
        assertTrue(e.getMessage().contains("at least 2 dimensions"), e.getMessage());
        MalformedDataException f = bad("images-as-labels", idx(new int[] {3, 2, 2}, pixels()), false);
        assertTrue(f.getMessage().contains("exactly 1 dimension"), f.getMessage());
        MalformedDataException z = bad("zero", idx(new int[] {3, 0, 2}, new byte[0]), true);
        assertEquals("offset 8", z.location(), z.getMessage());
    }

    @Test
    void truncatedAndOverlongData() throws IOException {
        byte[] full = idx(new int[] {3, 2, 2}, pixels());
        MalformedDataException shortRaw = bad("short", Arrays.copyOf(full, full.length - 5), true);
        assertEquals("offset " + (full.length - 5), shortRaw.location());
        assertTrue(shortRaw.getMessage().contains("5 bytes short"), shortRaw.getMessage());
        MalformedDataException header = bad("header-only", Arrays.copyOf(full, 6), true);
        assertTrue(header.getMessage().contains("bytes short"), header.getMessage());
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        MalformedDataException extra = bad("long", longer, true);
        assertTrue(extra.getMessage().contains("3 bytes follow"), extra.getMessage());
        assertEquals("offset " + full.length, extra.location());
    }

    /**
     * Issue 8: a 16-byte header declaring 2.1 G pixels allocated and zeroed them before finding no data, a
     * 12-byte label file declaring 2^31−1 labels ended in OutOfMemoryError. An uncompressed file's size is
     * checked before anything is allocated; a gzip stream's data is kept only as it arrives.
     */
    @Test
    void aHeaderThatPromisesMoreThanTheFileHoldsCostsNothing() throws IOException {
        byte[] images = idx(new int[] {2_730_000, 28, 28}, new byte[0]);
        byte[] labels = idx(new int[] {Integer.MAX_VALUE}, new byte[4]);
        assertEquals(16, images.length);
        assertEquals(12, labels.length);
        for (boolean gz : new boolean[] {false, true}) {
            Path i = write(gz ? "images.gz" : "images", gz ? gzip(images) : images);
            Path l = write(gz ? "labels.gz" : "labels", gz ? gzip(labels) : labels);
            MalformedDataException e = bad(i.getFileName().toString(), Files.readAllBytes(i), true);
            assertTrue(e.getMessage().contains("2140320000 bytes short of what its header promises"), e.getMessage());
            MalformedDataException f = bad(l.getFileName().toString(), Files.readAllBytes(l), false);
            assertTrue(f.getMessage().contains("2147483643 bytes short of what its header promises"), f.getMessage());
            long heap = dev.gradus.HeapBytes.of(() -> MnistIdx.readImages(i)) + dev.gradus.HeapBytes.of(() -> MnistIdx.readLabels(l, 10));
            assertTrue(heap < 1 << 20, "refusing them allocated " + heap + " heap bytes");
        }
    }

    /** Issue 8: dimensions whose product wraps around 2^64 to 784 were read as one 784-pixel image. */
    @Test
    void dimensionsWhoseProductOverflowsAreRejected() throws IOException {
        // 28 · 28 · (242243305 · 49477 · 384773) = 784 · (2^62 + 1) = 784 (mod 2^64)
        MalformedDataException e = bad("wrap", idx(new int[] {1, 28, 28, 242_243_305, 49_477, 384_773}, new byte[784]), true);
        assertTrue(e.getMessage().contains("give more than 2^31−1 pixels per image"), e.getMessage());
        assertEquals("offset 4", e.location());
    }

    @Test
    void truncatedGzipNamesTheUncompressedOffset() throws IOException {
        byte[] images = new byte[4000];
        new java.util.Random(1).nextBytes(images);  // incompressible, so the cut lands inside the data
        byte[] z = gzip(idx(new int[] {1000, 2, 2}, images));
        MalformedDataException e = bad("cut.gz", Arrays.copyOf(z, z.length / 2), true);
        assertTrue(e.location().startsWith("uncompressed offset "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated gzip"), e.getMessage());
        MalformedDataException trailer = bad("no-trailer.gz", Arrays.copyOf(z, z.length - 4), true);
        assertTrue(trailer.getMessage().contains("gzip"), trailer.getMessage());
        MalformedDataException head = bad("head.gz", Arrays.copyOf(z, 5), true);
        assertTrue(head.getMessage().contains("gzip"), head.getMessage());
    }

    @Test
    void labelOutOfRangeNamesItsOffset() throws IOException {
        MalformedDataException e = bad("labels", idx(new int[] {4}, new byte[] {1, 2, 10, 3}), false);
        assertEquals("offset 10", e.location());
        assertTrue(e.getMessage().contains("label 10 of item 2 is out of range [0, 10)"), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path images = write("img", idx(new int[] {3, 2, 2}, pixels()));
        Path labels = write("lab", idx(new int[] {2}, new byte[] {1, 2}));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MnistIdx.load(images, labels, 10));
        assertTrue(e.getMessage().contains("2 labels but") && e.getMessage().contains("3 images"), e.getMessage());
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(NoSuchFileException.class, () -> MnistIdx.readImages(dir.resolve("nope")));
    }

    @Test
    void realMnistTestSetLoads() throws IOException {
        Path mnist = Path.of(System.getProperty("gradus.shared"), "data", "mnist");
        try (Tensor x = MnistIdx.readImages(MnistIdx.find(mnist, "t10k-images-idx3-ubyte"));
             Labels y = MnistIdx.readLabels(MnistIdx.find(mnist, "t10k-labels-idx1-ubyte"), 10)) {
            assertEquals(10_000, x.rows());
            assertEquals(784, x.cols());
            assertEquals(10_000, y.length());
            assertEquals(7, y.get(0)); // the first test digit is a 7
            float max = 0;
            for (float v : x.toArray()) {
                max = Math.max(max, v);
            }
            assertEquals(1f, max);
        }
    }
}
