// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import dev.gradus.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A PNG chart of a training run, drawn with java.awt in headless mode: loss per epoch in the top
 * panel, accuracy per epoch in the bottom one (omitted when there is none, as for regression), each
 * with axes, ticks, a grid and a legend.
 */
final class TrainingChart {
    /** One line: a label for the legend and one value per epoch (epoch i+1 at index i); NaN = no point. */
    record Series(String label, double[] values) {}

    private static final int WIDTH = 900;
    private static final int HEIGHT = 720;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};

    private TrainingChart() {}

    /** Writes the chart to {@code file} atomically. */
    static void write(Path file, String title, List<Series> loss, List<Series> accuracy) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            drawCentered(g, title, WIDTH / 2, 26);
            int epochs = Math.max(maxLength(loss), maxLength(accuracy));
            if (hasValues(accuracy)) {
                panel(g, 50, 300, "loss", loss, epochs, false);
                panel(g, 410, 260, "accuracy", accuracy, epochs, true);
            } else {   // regression: no accuracy, the loss gets the whole height
                panel(g, 50, 620, "loss", loss, epochs, false);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            drawCentered(g, "epoch", LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 8);
        } finally {
            g.dispose();
        }
        // through a memory-cached stream: ImageIO's default file cache registers a shutdown hook, which throws
        // while the JVM shuts down, and the chart is the last file a run interrupted by SIGTERM writes
        AtomicFile.write(file, out -> {
            try (ImageOutputStream png = new MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(image, "png", png)) {
                    throw new IOException("no PNG writer in this JVM");
                }
            }
        });
    }

    private static void panel(Graphics2D g, int top, int height, String name, List<Series> series, int epochs,
                              boolean percent) {
        int plotW = WIDTH - LEFT - RIGHT;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-9) {
            double pad = Math.max(Math.abs(hi) * 0.05, 1e-3);
            lo -= pad;
            hi += pad;
        }
        if (!percent && lo > 0 && lo < (hi - lo)) {
            lo = 0;   // a loss axis from 0 when that costs little space
        }
        Ticks y = Ticks.of(lo, hi, 6);
        Ticks x = epochs <= 1 ? new Ticks(0, 2, 1) : Ticks.of(1, epochs, 10).integral();
        double x0 = epochs <= 1 ? 0 : 1;
        double x1 = epochs <= 1 ? 2 : epochs;
        // frame, grid and ticks
        g.setStroke(new BasicStroke(1f));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double v = y.first(); v <= y.last() + y.step() / 2; v += y.step()) {
            int py = top + height - (int) Math.round((v - y.first()) / (y.last() - y.first()) * height);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT - 5, py, LEFT, py);
            String label = percent ? Ticks.format(v * 100, y.step() * 100) + "%" : Ticks.format(v, y.step());
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        for (double v = x.first(); v <= x.last() + x.step() / 2; v += x.step()) {
            if (v < x0 - 1e-9 || v > x1 + 1e-9) {
                continue;
            }
            int px = LEFT + (int) Math.round((v - x0) / (x1 - x0) * plotW);
            g.setColor(new Color(0xf0f0f0));
            g.drawLine(px, top, px, top + height);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, top + height, px, top + height + 5);
            drawCentered(g, Ticks.format(v, x.step()), px, top + height + 8 + fm.getAscent());
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(LEFT, top, plotW, height);
        // axis name, rotated
        Graphics2D r = (Graphics2D) g.create();
        r.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        r.rotate(-Math.PI / 2);
        r.drawString(name, -(top + height / 2 + r.getFontMetrics().stringWidth(name) / 2), 18);
        r.dispose();
        // lines
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double line = new Path2D.Double();
            boolean open = false;
            double[] v = series.get(i).values();
            for (int e = 0; e < v.length; e++) {
                if (!Double.isFinite(v[e])) {
                    open = false;
                    continue;
                }
                double px = LEFT + ((e + 1) - x0) / (x1 - x0) * plotW;
                double py = top + height - (v[e] - y.first()) / (y.last() - y.first()) * height;
                if (open) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    open = true;
                }
                g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
            }
            g.draw(line);
        }
        // loss falls and accuracy rises: the legend goes where the lines usually are not
        int boxH = series.size() * 18 + 8;
        legend(g, series, LEFT + plotW - 12, percent ? top + height - 12 - boxH : top + 12);
    }

    private static void legend(Graphics2D g, List<Series> series, int right, int top) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (Series s : series) {
            w = Math.max(w, fm.stringWidth(s.label()));
        }
        int boxW = w + 44;
        int boxH = series.size() * 18 + 8;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(right - boxW, top, boxW, boxH);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(right - boxW, top, boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            int cy = top + 13 + i * 18;
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(right - boxW + 8, cy, right - boxW + 30, cy);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).label(), right - boxW + 36, cy + fm.getAscent() / 2 - 1);
        }
    }

    private static boolean hasValues(List<Series> series) {
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int maxLength(List<Series> series) {
        int n = 0;
        for (Series s : series) {
            n = Math.max(n, s.values().length);
        }
        return n;
    }

    private static void drawCentered(Graphics2D g, String text, int cx, int baseline) {
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    /** "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten, covering [lo, hi]. */
    record Ticks(double first, double last, double step) {
        static Ticks of(double lo, double hi, int target) {
            double raw = (hi - lo) / target;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double norm = raw / mag;
            double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
            return new Ticks(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
        }

        /** The same range with a whole-number step (for epochs). */
        Ticks integral() {
            double s = Math.max(1, Math.round(step));
            return new Ticks(Math.floor(first / s) * s, Math.ceil(last / s) * s, s);
        }

        static String format(double v, double step) {
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
            return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
