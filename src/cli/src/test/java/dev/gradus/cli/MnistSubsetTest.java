// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The committed built-in dataset is exactly {@link MnistSubsetGenerator}'s selection from the full MNIST. */
class MnistSubsetTest {

    @Test
    void builtInFilesAreTheGeneratorsSelection() throws IOException {
        Path mnist = Path.of(System.getProperty("gradus.shared", "../shared"), "data", "mnist");
        assertTrue(Files.isDirectory(mnist), "the full MNIST is expected in " + mnist.toAbsolutePath()
                + " (set -Dgradus.shared=DIR)");
        String[][] parts = {{"train", "train", "" + MnistSubsetGenerator.TRAIN}, {"t10k", "t10k", "" + MnistSubsetGenerator.TEST}};
        for (String[] p : parts) {
            byte[][] expected = MnistSubsetGenerator.select(mnist, p[0], Integer.parseInt(p[2]));
            assertArrayEquals(expected[0], resource(p[1] + "-images-idx3-ubyte.gz"), p[1] + " images");
            assertArrayEquals(expected[1], resource(p[1] + "-labels-idx1-ubyte.gz"), p[1] + " labels");
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(MnistSubsetTest.class.getResourceAsStream("/dev/gradus/cli/mnist/" + name))) {
            return in.readAllBytes();
        }
    }
}
