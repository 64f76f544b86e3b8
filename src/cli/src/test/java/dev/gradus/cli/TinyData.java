// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Small seeded datasets for the end-to-end tests: they train in well under a second on the Java backend. */
final class TinyData {
    static final String[] SPECIES = {"setosa", "versicolor", "virginica"};

    private TinyData() {}

    /** Three Gaussian blobs in 4 dimensions, 30 rows each, with a header and class names in column "species". */
    static Path blobsCsv(Path dir) throws IOException {
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder("a,b,c,d,species\n");
        for (int i = 0; i < 90; i++) {
            int k = i % 3;
            for (int f = 0; f < 4; f++) {
                sb.append(String.format(Locale.ROOT, "%.4f,", (f == k ? 2.0 : 0.0) + 0.5 * r.nextGaussian()));
            }
            sb.append(SPECIES[k]).append('\n');
        }
        return Files.writeString(dir.resolve("blobs.csv"), sb);
    }

    /**
     * Produce graded A-D by sugar (brix), acidity (pH) and firmness, each a few units wide, with a
     * weight column in grams (mean 2500, sd 900) that says nothing about the grade: 400 rows, column
     * "grade". Unstandardized, the grams swamp the other features.
     */
    static Path gradesCsv(Path dir) throws IOException {
        Random r = new Random(11);
        StringBuilder sb = new StringBuilder("weight_g,brix,ph,firmness,grade\n");
        for (int i = 0; i < 400; i++) {
            int k = r.nextInt(4);
            sb.append(String.format(Locale.ROOT, "%.0f,%.2f,%.2f,%.2f,%c%n", 2500 + 900 * r.nextGaussian(),
                    9 + 2 * k + 0.8 * r.nextGaussian(), 4.0 - 0.3 * k + 0.15 * r.nextGaussian(),
                    8 - 1.5 * k + 0.7 * r.nextGaussian(), (char) ('A' + k)));
        }
        return Files.writeString(dir.resolve("grades.csv"), sb);
    }

    /**
     * An MNIST-style directory: {@code n} 28×28 images per part whose class is coded by where a bright
     * square sits; gzipped IDX. {@code badLabel} >= 0 replaces the first training label.
     */
    static Path mnistDir(Path dir, int n, int badLabel) throws IOException {
        Files.createDirectories(dir);
        for (String part : new String[] {"train", "t10k"}) {
            Random r = new Random(part.hashCode());
            ByteBuffer img = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
            ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                int k = i % 10;
                byte[] pixels = new byte[784];
                for (int p = 0; p < 784; p++) {
                    pixels[p] = (byte) r.nextInt(40);
                }
                int row = (k / 5) * 14 + 3;
                int col = (k % 5) * 5 + 1;
                for (int y = row; y < row + 8; y++) {
                    for (int x = col; x < col + 4; x++) {
                        pixels[y * 28 + x] = (byte) 250;
                    }
                }
                img.put(pixels);
                lab.put((byte) (part.equals("train") && i == 0 && badLabel >= 0 ? badLabel : k));
            }
            gzip(dir.resolve(part + "-images-idx3-ubyte.gz"), img.array());
            gzip(dir.resolve(part + "-labels-idx1-ubyte.gz"), lab.array());
        }
        return dir;
    }

    private static void gzip(Path file, byte[] data) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(data);
        }
    }
}
