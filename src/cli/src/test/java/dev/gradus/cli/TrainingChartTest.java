// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingChartTest {
    @TempDir Path dir;

    @Test
    void writesAReadablePngWithLinesInBothPanels() throws IOException {
        Path png = dir.resolve("chart.png");
        double[] trainLoss = {0.62, 0.31, 0.22, 0.17, 0.14, 0.12, 0.10, 0.09};
        double[] testLoss = {0.35, 0.26, 0.21, 0.19, 0.17, 0.16, 0.16, 0.15};
        double[] trainAcc = {0.83, 0.91, 0.94, 0.95, 0.96, 0.965, 0.97, 0.975};
        double[] testAcc = {0.90, 0.925, 0.94, 0.945, 0.95, 0.953, 0.955, 0.957};
        TrainingChart.write(png, "784-128-10 relu, adam (lr 0.001), batch 64",
                List.of(new TrainingChart.Series("train loss", trainLoss), new TrainingChart.Series("test loss", testLoss)),
                List.of(new TrainingChart.Series("train accuracy", trainAcc), new TrainingChart.Series("test accuracy", testAcc)));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(720, img.getHeight());
        assertTrue(countColor(img, 0x1f3f8f, 50, 350) > 200, "the first loss line is drawn in the top panel");
        assertTrue(countColor(img, 0xe08020, 410, 670) > 200, "the second accuracy line is drawn in the bottom panel");
        if (System.getProperty("gradus.chart.keep") != null) {
            java.nio.file.Files.copy(png, Path.of(System.getProperty("gradus.chart.keep")), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int countColor(BufferedImage img, int rgb, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    /** A loss spanning decades gets a log axis in decades; one that does not, a linear one. */
    @Test
    void lossAxisIsLogarithmicWhenItSpansDecades() {
        TrainingChart.Axis log = TrainingChart.Axis.of(List.of(new TrainingChart.Series("l", new double[] {0.62, 0.05, 0.004})), false);
        assertTrue(log.log());
        assertEquals(-3, log.ticks().first(), 0);
        assertEquals(0, log.ticks().last(), 0);
        assertEquals(List.of("0.001", "0.01", "0.1", "1"), List.of(log.label(-3), log.label(-2), log.label(-1), log.label(0)));
        assertEquals("1e-5", log.label(-5));
        assertEquals(0.5, log.position(Math.pow(10, -1.5)), 1e-12);
        assertTrue(!TrainingChart.Axis.of(List.of(new TrainingChart.Series("l", new double[] {0.62, 0.1})), false).log());
        assertTrue(!TrainingChart.Axis.of(List.of(new TrainingChart.Series("a", new double[] {0.01, 0.9})), true).log(),
                "accuracy stays linear");
    }

    /** Wide tick labels (a regression's loss of 10^9) widen the left margin: nothing is drawn at the left edge. */
    @Test
    void wideTickLabelsAreNeverCutOff() throws IOException {
        Path png = dir.resolve("wide.png");
        TrainingChart.write(png, "regression", List.of(new TrainingChart.Series("train loss", new double[] {1.234567e9, 1.18e9}),
                new TrainingChart.Series("validation loss", new double[] {1.1e9, 1.0000005e9})), List.of());
        BufferedImage img = ImageIO.read(png.toFile());
        for (int y = 40; y < 680; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(0xffffff, img.getRGB(x, y) & 0xffffff, "pixel (" + x + ", " + y + ") is background");
            }
        }
    }

    @Test
    void oneEpochAndMissingValuesStillDraw() throws IOException {
        Path png = dir.resolve("one.png");
        TrainingChart.write(png, "one epoch", List.of(new TrainingChart.Series("train loss", new double[] {0.5})),
                List.of(new TrainingChart.Series("test accuracy", new double[] {Double.NaN})));
        assertEquals(900, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        TrainingChart.Ticks t = TrainingChart.Ticks.of(0.083, 0.62, 6);
        assertEquals(0.1, t.step(), 1e-12, "range 0.54 over 6 ticks rounds to a step of 0.1");
        assertEquals(0.0, t.first(), 1e-12);
        assertEquals(0.7, t.last(), 1e-12);
        assertEquals("0.30", TrainingChart.Ticks.format(0.3, 0.05));
    }
}
