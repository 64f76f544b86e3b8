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
 * with axes, ticks, a grid and a legend. The loss axis is logarithmic when the loss spans a decade or
 * more; the left margin fits the widest tick label; the first series (training) is a solid line with
 * filled dots, the second (validation) a dashed line with open squares, so they differ in grey-scale print.
 */
final class TrainingChart {
    /** One line: a label for the legend and one value per epoch (epoch i+1 at index i); NaN = no point. */
    record Series(String label, double[] values) {}

    private static final int WIDTH = 900;
    private static final int HEIGHT = 720;
    /** The least left margin; wider tick labels widen it. */
    private static final int MIN_LEFT = 80;
    /** A loss whose largest value is this many times its smallest gets a log axis. */
    static final double LOG_RATIO = 10;
    private static final int RIGHT = 30;
    // dark and light in grey-scale, besides the line styles
    private static final Color[] COLORS = {new Color(0x1f3f8f), new Color(0xe08020), new Color(0x2ca02c), new Color(0x9467bd)};

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
            boolean withAccuracy = hasValues(accuracy);
            Axis lossAxis = Axis.of(loss, false);
            Axis accAxis = Axis.of(accuracy, true);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int left = Math.max(MIN_LEFT, 36 + Math.max(lossAxis.labelWidth(g.getFontMetrics()),
                    withAccuracy ? accAxis.labelWidth(g.getFontMetrics()) : 0));
            if (withAccuracy) {
                panel(g, left, 50, 300, lossAxis.log() ? "loss (log scale)" : "loss", loss, epochs, lossAxis);
                panel(g, left, 410, 260, "accuracy", accuracy, epochs, accAxis);
            } else {   // regression: no accuracy, the loss gets the whole height
                panel(g, left, 50, 620, lossAxis.log() ? "loss (log scale)" : "loss", loss, epochs, lossAxis);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            drawCentered(g, "epoch", left + (WIDTH - left - RIGHT) / 2, HEIGHT - 8);
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

    /** A y axis: its ticks (in log10 units when {@code log}), and whether the values are percentages. */
    record Axis(Ticks ticks, boolean log, boolean percent) {
        static Axis of(List<Series> series, boolean percent) {
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
            if (!percent && lo > 0 && hi / lo >= LOG_RATIO) {   // whole decades, from below lo to above hi
                return new Axis(new Ticks(Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi)), 1), true, false);
            }
            if (hi - lo < 1e-9) {
                double pad = Math.max(Math.abs(hi) * 0.05, 1e-3);
                lo -= pad;
                hi += pad;
            }
            if (!percent && lo > 0 && lo < (hi - lo)) {
                lo = 0;   // a loss axis from 0 when that costs little space
            }
            return new Axis(Ticks.of(lo, hi, 6), false, percent);
        }

        /** Where value {@code v} sits on the axis, from 0 (bottom) to 1 (top). */
        double position(double v) {
            double t = log ? Math.log10(v) : v;
            return (t - ticks.first()) / (ticks.last() - ticks.first());
        }

        String label(double tick) {
            if (log) {
                double v = Math.pow(10, tick);
                return tick >= 0 && tick <= 4 ? String.format(java.util.Locale.ROOT, "%.0f", v)
                        : tick < 0 && tick >= -3 ? Ticks.format(v, v) : "1e" + (long) tick;
            }
            return percent ? Ticks.format(tick * 100, ticks.step() * 100) + "%" : Ticks.format(tick, ticks.step());
        }

        int labelWidth(FontMetrics fm) {
            int w = 0;
            for (double v = ticks.first(); v <= ticks.last() + ticks.step() / 2; v += ticks.step()) {
                w = Math.max(w, fm.stringWidth(label(v)));
            }
            return w;
        }
    }

    private static void panel(Graphics2D g, int left, int top, int height, String name, List<Series> series, int epochs,
                              Axis axis) {
        int plotW = WIDTH - left - RIGHT;
        Ticks y = axis.ticks();
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
            g.drawLine(left, py, left + plotW, py);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(left - 5, py, left, py);
            String label = axis.label(v);
            g.drawString(label, left - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        for (double v = x.first(); v <= x.last() + x.step() / 2; v += x.step()) {
            if (v < x0 - 1e-9 || v > x1 + 1e-9) {
                continue;
            }
            int px = left + (int) Math.round((v - x0) / (x1 - x0) * plotW);
            g.setColor(new Color(0xf0f0f0));
            g.drawLine(px, top, px, top + height);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, top + height, px, top + height + 5);
            drawCentered(g, Ticks.format(v, x.step()), px, top + height + 8 + fm.getAscent());
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, plotW, height);
        // axis name, rotated
        Graphics2D r = (Graphics2D) g.create();
        r.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        r.rotate(-Math.PI / 2);
        r.drawString(name, -(top + height / 2 + r.getFontMetrics().stringWidth(name) / 2), 18);
        r.dispose();
        // lines
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(stroke(i));
            Path2D.Double line = new Path2D.Double();
            boolean open = false;
            double[] v = series.get(i).values();
            for (int e = 0; e < v.length; e++) {
                if (!Double.isFinite(v[e])) {
                    open = false;
                    continue;
                }
                double px = left + ((e + 1) - x0) / (x1 - x0) * plotW;
                double py = top + height - axis.position(v[e]) * height;
                if (open) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    open = true;
                }
                marker(g, i, px, py);
            }
            g.draw(line);
        }
        // loss falls and accuracy rises: the legend goes where the lines usually are not
        int boxH = series.size() * 18 + 8;
        legend(g, series, left + plotW - 12, axis.percent() ? top + height - 12 - boxH : top + 12);
    }

    /** Series 0 solid, series 1 dashed, others dotted: distinguishable without colour. */
    private static BasicStroke stroke(int i) {
        float[] dash = i == 0 ? null : i == 1 ? new float[] {9f, 5f} : new float[] {2f, 4f};
        return new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    /** Series 0 a filled dot, series 1 an open square, others an open dot. */
    private static void marker(Graphics2D g, int i, double px, double py) {
        java.awt.Stroke s = g.getStroke();
        g.setStroke(new BasicStroke(1.6f));
        if (i == 0) {
            g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
        } else if (i == 1) {
            g.setColor(Color.WHITE);
            g.fill(new java.awt.geom.Rectangle2D.Double(px - 3.5, py - 3.5, 7, 7));
            g.setColor(COLORS[1]);
            g.draw(new java.awt.geom.Rectangle2D.Double(px - 3.5, py - 3.5, 7, 7));
        } else {
            g.draw(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
        }
        g.setStroke(s);
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
            g.setStroke(stroke(i));
            g.drawLine(right - boxW + 6, cy, right - boxW + 32, cy);
            marker(g, i, right - boxW + 19, cy);
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
