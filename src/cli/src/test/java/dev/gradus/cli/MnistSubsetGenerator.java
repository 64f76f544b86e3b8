// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Makes the built-in dataset in {@code src/cli/src/main/resources/dev/gradus/cli/mnist/}: a deterministic random
 * subset of MNIST, {@value #TRAIN} training and {@value #TEST} test images, as gzipped IDX files.
 * Selection: a Fisher–Yates shuffle of all indices driven by {@code java.util.Random(SEED)} (whose
 * sequence Java specifies exactly), the first {@code count} indices, sorted ascending, so images
 * keep their original order. Run from the checkout:
 * <pre>
 * mvn -q -o test-compile -Djavacpp.skip=true
 * java -cp src/cli/target/test-classes:src/library/target/classes dev.gradus.cli.MnistSubsetGenerator ../shared/data/mnist src/cli/src/main/resources/dev/gradus/cli/mnist
 * </pre>
 * {@link MnistSubsetTest} checks that the committed files are exactly what this selects.
 */
public final class MnistSubsetGenerator {
    static final int TRAIN = 10_000;
    static final int TEST = 2_000;
    static final long SEED = 20_261_126L;

    private MnistSubsetGenerator() {}

    public static void main(String[] args) throws IOException {
        Path mnist = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        for (String[] part : new String[][] {{"train", "train"}, {"t10k", "t10k"}}) {
            int count = part[0].equals("train") ? TRAIN : TEST;
            byte[][] subset = select(mnist, part[0], count);
            gzip(out.resolve(part[1] + "-images-idx3-ubyte.gz"), subset[0]);
            gzip(out.resolve(part[1] + "-labels-idx1-ubyte.gz"), subset[1]);
        }
    }

    /** The subset of {@code prefix}-images/labels as uncompressed IDX files: {images, labels}. */
    static byte[][] select(Path mnistDir, String prefix, int count) throws IOException {
        byte[] images = gunzip(mnistDir.resolve(prefix + "-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(mnistDir.resolve(prefix + "-labels-idx1-ubyte.gz"));
        int n = ByteBuffer.wrap(images).getInt(4);
        int rows = ByteBuffer.wrap(images).getInt(8);
        int cols = ByteBuffer.wrap(images).getInt(12);
        int pixels = rows * cols;
        int[] chosen = chosenIndices(n, count);
        ByteBuffer img = ByteBuffer.allocate(16 + count * pixels).putInt(0x803).putInt(count).putInt(rows).putInt(cols);
        ByteBuffer lab = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
        for (int i : chosen) {
            img.put(images, 16 + i * pixels, pixels);
            lab.put(labels[8 + i]);
        }
        return new byte[][] {img.array(), lab.array()};
    }

    static int[] chosenIndices(int n, int count) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random random = new Random(SEED);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] chosen = Arrays.copyOf(perm, count);
        Arrays.sort(chosen);
        return chosen;
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static void gzip(Path file, byte[] data) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(data);
        }
    }
}
