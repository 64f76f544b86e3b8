// SPDX-License-Identifier: Apache-2.0
package dev.gradus.data;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.internal.InUse;
import dev.gradus.nn.Shape;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-style IDX files (LeCun's format: a 4-byte magic {@code 00 00 08 D} — unsigned bytes, D
 * dimensions — then D big-endian int32 sizes, then the bytes). A file may be raw or gzip-compressed;
 * which one is told by its first two bytes ({@code 1f 8b}), not by its name.
 *
 * <p>Images (D ≥ 2, e.g. {@code [n, 28, 28]}) become a {@code [n, 28·28]} float tensor with every pixel
 * divided by 255 in float32, exactly as torchvision's {@code ToTensor()}; a dataset's samples are then
 * images {@code (1, 28, 28)} (see {@link #imageShape}). Labels (D = 1) must lie in
 * {@code [0, classes)}. Everything is validated — magic, dimension count, sizes, the amount of data
 * (no more, no less), the label range, and that there are as many labels as images — and a violation
 * throws {@link MalformedDataException} naming the file, the byte offset (in the uncompressed stream
 * for gzip files) and the problem.
 */
public final class MnistIdx {
    /** The IDX type code for unsigned bytes, the only one MNIST uses. */
    private static final int UBYTE = 0x08;
    private static final int CHUNK = 1 << 16;

    private MnistIdx() {}

    /** MNIST's training set in {@code dir}: {@code train-images-idx3-ubyte} and {@code train-labels-idx1-ubyte}, raw or {@code .gz}. */
    public static Dataset train(Path dir) throws IOException {
        return load(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"), 10);
    }

    /** MNIST's test set in {@code dir}: {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, raw or {@code .gz}. */
    public static Dataset test(Path dir) throws IOException {
        return load(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"), 10);
    }

    /**
     * The file {@code dir/name}, {@code dir/name.gz}, or the same with the variant spelling
     * {@code -images.idx3-ubyte} that some mirrors use.
     *
     * @throws NoSuchFileException naming every path tried
     */
    public static Path find(Path dir, String name) throws NoSuchFileException {
        String dotted = name.replace("-idx", ".idx");
        String[] candidates = {name, name + ".gz", dotted, dotted + ".gz"};
        for (String c : candidates) {
            Path p = dir.resolve(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(name).toString(), null,
                "no MNIST file " + name + " (raw or .gz) in " + dir);
    }

    /** Images and labels as a classification dataset with {@code classes} classes named "0" …. */
    public static Dataset load(Path images, Path labels, int classes) throws IOException {
        Tensor x = readImages(images);   // validates the header before readImageShape reads it again
        try {
            Shape shape = readImageShape(images);
            Labels y = readLabels(labels, classes);
            if (y.length() != x.rows()) {
                int n = y.length();
                y.close();
                throw new MalformedDataException(labels, "offset 4",
                        n + " labels but " + images + " holds " + x.rows() + " images");
            }
            return Dataset.classification(x, y, Dataset.numberedClasses(classes), shape);
        } catch (RuntimeException | IOException e) {
            x.close();
            throw e;
        }
    }

    /**
     * The shape of one image of an IDX file, from its header alone: {@link #imageShape} of its sizes.
     *
     * @throws MalformedDataException if the header is not that of images
     */
    public static Shape readImageShape(Path file) throws IOException {
        try (Reader in = new Reader(file)) {
            int[] dims = in.header();
            if (dims.length < 2) {
                throw in.error(3, "images need at least 2 dimensions (count, then pixels), the header says " + dims.length);
            }
            try {
                return imageShape(dims);
            } catch (IllegalArgumentException e) {
                throw in.error(4, "image sizes " + java.util.Arrays.toString(dims) + ": " + e.getMessage());
            }
        }
    }

    /**
     * One image's shape for IDX sizes {@code [n, ...]}: {@code [n, H, W]} gives {@code (1, H, W)},
     * {@code [n, C, H, W]} gives {@code (C, H, W)}; any other count of dimensions is flat, the product of
     * the sizes after n.
     */
    public static Shape imageShape(int[] dims) {
        return switch (dims.length) {
            case 3 -> Shape.image(1, dims[1], dims[2]);
            case 4 -> Shape.image(dims[1], dims[2], dims[3]);
            default -> Shape.flat(java.util.Arrays.stream(dims, 1, dims.length).reduce(1, Math::multiplyExact));
        };
    }

    /** An IDX file of unsigned bytes with at least 2 dimensions, as a {@code [n, product of the rest]} tensor of pixel/255. */
    public static Tensor readImages(Path file) throws IOException {
        try (Reader in = new Reader(file)) {
            int[] dims = in.header();
            if (dims.length < 2) {
                throw in.error(3, "images need at least 2 dimensions (count, then pixels), the header says " + dims.length);
            }
            long width = 1;
            for (int i = 1; i < dims.length; i++) {
                width *= dims[i];   // both factors < 2^31: no overflow
                if (width > Integer.MAX_VALUE) {
                    throw in.error(4, "image sizes " + java.util.Arrays.toString(dims)
                            + " give more than 2^31−1 pixels per image");
                }
            }
            long total = width * dims[0];
            if (total > Integer.MAX_VALUE) {
                throw in.error(4, "image sizes " + java.util.Arrays.toString(dims) + " give " + total
                        + " pixels (must be 1 … 2^31−1)");
            }
            List<byte[]> data = in.data(total);
            Tensor t = Tensor.allocate(dims[0], (int) width);
            FloatBuffer out = InUse.buffer(t);
            int i = 0;
            for (byte[] chunk : data) {
                for (byte b : chunk) {
                    out.put(i++, (b & 0xFF) / 255f);
                }
            }
            return t;
        }
    }

    /** An IDX file of unsigned bytes with exactly 1 dimension; every label must lie in {@code [0, classes)}. */
    public static Labels readLabels(Path file, int classes) throws IOException {
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("IDX byte labels allow 1 … 256 classes, got " + classes);
        }
        try (Reader in = new Reader(file)) {
            int[] dims = in.header();
            if (dims.length != 1) {
                throw in.error(3, "labels need exactly 1 dimension, the header says " + dims.length);
            }
            int n = dims[0];
            List<byte[]> data = in.data(n);
            long dataStart = 8;
            int i = 0;
            for (byte[] chunk : data) {
                for (byte b : chunk) {
                    if ((b & 0xFF) >= classes) {
                        throw in.error(dataStart + i, "label " + (b & 0xFF) + " of item " + i + " is out of range [0, " + classes + ")");
                    }
                    i++;
                }
            }
            Labels labels = Labels.allocate(n);
            IntBuffer out = InUse.buffer(labels);
            i = 0;
            for (byte[] chunk : data) {
                for (byte b : chunk) {
                    out.put(i++, b & 0xFF);
                }
            }
            return labels;
        }
    }

    /** A stream over the (decompressed) bytes that knows its offset and turns every failure into a located error. */
    private static final class Reader implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long size;   // of the file: the data's size when it is not compressed
        private long offset;

        Reader(Path file) throws IOException {
            this.file = file;
            this.size = Files.size(file);
            BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            this.gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream s = raw;
            if (gzip) {
                try {
                    s = new BufferedInputStream(new GZIPInputStream(raw, CHUNK), CHUNK);
                } catch (EOFException | ZipException e) {
                    raw.close();
                    throw new MalformedDataException(file, "offset 0", "broken gzip header: " + e.getMessage(), e);
                }
            }
            this.in = s;
        }

        /** Reads and checks magic and sizes; returns the dimensions. */
        int[] header() throws IOException {
            byte[] magic = new byte[4];
            readFully(magic, 4, 4);
            if (magic[0] != 0 || magic[1] != 0 || magic[2] != UBYTE) {
                throw error(0, String.format("bad magic 0x%02x%02x%02x%02x: an IDX file of unsigned bytes starts with 0x000008",
                        magic[0], magic[1], magic[2], magic[3]) + (gzip ? "" : " (and a gzip file with 0x1f8b)"));
            }
            int d = magic[3] & 0xFF;
            if (d == 0) {
                throw error(3, "the header says 0 dimensions");
            }
            int[] dims = new int[d];
            byte[] four = new byte[4];
            for (int i = 0; i < d; i++) {
                long at = offset;
                readFully(four, 4, 4L * (d - i));
                dims[i] = ((four[0] & 0xFF) << 24) | ((four[1] & 0xFF) << 16) | ((four[2] & 0xFF) << 8) | (four[3] & 0xFF);
                if (dims[i] <= 0) {
                    throw error(at, "dimension " + i + " is " + dims[i] + ", must be positive");
                }
            }
            return dims;
        }

        /**
         * The {@code total} data bytes after the header, in chunks, then checks that nothing follows. An
         * uncompressed file's size is checked first; a gzip stream's is unknown, so its bytes are kept as
         * they arrive: a header that promises more than the file delivers costs no more memory than that.
         */
        List<byte[]> data(long total) throws IOException {
            if (!gzip && size - offset != total) {
                long left = size - offset;
                throw left < total
                        ? error(size, "file ends here, " + (total - left) + " bytes short of what its header promises")
                        : error(offset + total, (left - total) + " bytes follow the data the header describes (wrong sizes in the header?)");
            }
            List<byte[]> chunks = new ArrayList<>();
            for (long done = 0; done < total; ) {
                int len = (int) Math.min(CHUNK, total - done);
                byte[] chunk = new byte[len];
                readFully(chunk, len, total - done);
                chunks.add(chunk);
                done += len;
            }
            expectEnd();
            return chunks;
        }

        /** Reads exactly {@code len} bytes; {@code expected} (bytes still wanted) only words the error. */
        void readFully(byte[] dst, int len, long expected) throws IOException {
            int got;
            try {
                got = in.readNBytes(dst, 0, len);
            } catch (EOFException e) {
                throw error(offset, "truncated gzip stream (" + e.getMessage() + "); " + expected
                        + " more bytes were expected", e);
            } catch (ZipException e) {
                throw error(offset, "corrupt gzip data: " + e.getMessage(), e);
            }
            if (got < len) {
                throw error(offset + got, "file ends here, " + (expected - got) + " bytes short of what its header promises");
            }
            offset += len;
        }

        /** Checks that nothing follows the data. */
        void expectEnd() throws IOException {
            long extra;
            try {
                extra = in.skip(Long.MAX_VALUE);
                while (in.read() >= 0) {
                    extra += 1 + in.skip(Long.MAX_VALUE);
                }
            } catch (EOFException e) {
                throw error(offset, "truncated gzip stream after the data (" + e.getMessage() + ")", e);
            } catch (ZipException e) {
                throw error(offset, "corrupt gzip data after the data: " + e.getMessage(), e);
            }
            if (extra > 0) {
                throw error(offset, extra + " bytes follow the data the header describes (wrong sizes in the header?)");
            }
        }

        MalformedDataException error(long at, String problem) {
            return new MalformedDataException(file, where(at), problem);
        }

        MalformedDataException error(long at, String problem, Throwable cause) {
            return new MalformedDataException(file, where(at), problem, cause);
        }

        private String where(long at) {
            return (gzip ? "uncompressed offset " : "offset ") + at;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
