// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal grouped bar chart written as SVG text: one group of bars per category (a kernel, a GEMM
 * shape, a network), one bar per series (a size, a backend), each bar labelled with its value, an x axis
 * with ticks (linear, or logarithmic when values span decades), and an optional reference line (1× for a
 * speed-up). Missing values (NaN) leave a gap marked "n/a". When {@code ranges} is given, each bar gets a
 * whisker from {@code ranges[category][series][0]} to {@code [1]} (the spread of the measurements).
 *
 * @param title      the heading above the chart
 * @param axisLabel  what the x axis measures, with its unit
 * @param categories group labels, top to bottom
 * @param series     bar labels within a group, shown in the legend
 * @param values     {@code values[category][series]}
 * @param ranges     {@code ranges[category][series] = {low, high}}, or null for no whiskers
 * @param log        logarithmic x axis (all values must then be positive)
 * @param reference  x of a dashed reference line, NaN for none
 */
public record BarChart(String title, String axisLabel, List<String> categories, List<String> series,
                       double[][] values, double[][][] ranges, boolean log, double reference) {

    /** A chart without ranges. */
    public BarChart(String title, String axisLabel, List<String> categories, List<String> series, double[][] values,
                    boolean log, double reference) {
        this(title, axisLabel, categories, series, values, null, log, reference);
    }

    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"};
    private static final int BAR = 13;
    private static final int GAP = 10;
    private static final int PLOT_WIDTH = 560;
    private static final int RIGHT = 90;

    public BarChart {
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        if (values.length != categories.size()) {
            throw new IllegalArgumentException("chart '" + title + "': " + values.length + " rows of values for "
                    + categories.size() + " categories");
        }
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != series.size()) {
                throw new IllegalArgumentException("chart '" + title + "': category '" + categories.get(i)
                        + "' has " + values[i].length + " values for " + series.size() + " series");
            }
            copy[i] = values[i].clone();
        }
        values = copy;
        if (ranges != null && ranges.length != categories.size()) {
            throw new IllegalArgumentException("chart '" + title + "': " + ranges.length + " rows of ranges for "
                    + categories.size() + " categories");
        }
    }

    /** The chart as a standalone SVG document. */
    public String toSvg() {
        int labelWidth = 12 + 7 * categories.stream().mapToInt(String::length).max().orElse(4);
        int top = 58;
        int groupHeight = series.size() * BAR + GAP;
        int plotHeight = categories.size() * groupHeight;
        int width = labelWidth + PLOT_WIDTH + RIGHT;
        int height = top + plotHeight + 48;
        double[] range = range();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        legend(s, labelWidth, 40);
        for (double tick : ticks(range)) {
            double x = labelWidth + scale(tick, range);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, top, x, top + plotHeight));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, top + plotHeight + 14, Format.tick(tick)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s%s</text>%n",
                labelWidth + PLOT_WIDTH / 2, top + plotHeight + 34, escape(axisLabel), log ? " (log scale)" : ""));
        for (int c = 0; c < categories.size(); c++) {
            int y0 = top + c * groupHeight;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    labelWidth - 6, y0 + series.size() * BAR / 2 + 4, escape(categories.get(c))));
            for (int k = 0; k < series.size(); k++) {
                double[] lowHigh = ranges == null || ranges[c] == null ? null : ranges[c][k];
                double labelAt = lowHigh == null ? 0 : whisker(s, labelWidth, y0 + k * BAR, lowHigh, range);
                bar(s, labelWidth, y0 + k * BAR, values[c][k], k, range, labelAt);
            }
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                labelWidth, top, labelWidth, top + plotHeight));
        if (!Double.isNaN(reference)) {
            double x = labelWidth + scale(reference, range);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" "
                    + "stroke-dasharray=\"4 3\"/>%n", x, top - 4, x, top + plotHeight));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private void legend(StringBuilder s, int x, int y) {
        for (int k = 0; k < series.size(); k++) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, y - 10, COLORS[k % COLORS.length], x + 16, y,
                    escape(series.get(k))));
            x += 30 + 7 * series.get(k).length();
        }
    }

    /** A bar and its value label, placed after the bar or after {@code labelAt} pixels, whichever is further. */
    private void bar(StringBuilder s, int x0, int y, double v, int k, double[] range, double labelAt) {
        if (Double.isNaN(v) || (log && v <= 0)) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">n/a</text>%n", x0 + 4, y + 10));
            return;
        }
        double w = Math.max(1, scale(v, range));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                + "<title>%s: %s</title></rect>%n", x0, y, w, BAR - 2, COLORS[k % COLORS.length],
                escape(series.get(k)), Format.number(v)));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", x0 + Math.max(w, labelAt) + 3,
                y + 10, Format.number(v)));
    }

    /** A min–max whisker; returns its right end in pixels from the axis (0 when none is drawn). */
    private double whisker(StringBuilder s, int x0, int y, double[] lowHigh, double[] range) {
        double lo = lowHigh[0];
        double hi = lowHigh[1];
        if (Double.isNaN(lo) || Double.isNaN(hi) || (log && lo <= 0) || hi <= lo) {
            return 0;
        }
        double x1 = x0 + scale(Math.max(lo, range[0]), range);
        double x2 = x0 + scale(Math.min(hi, range[1]), range);
        double ym = y + (BAR - 2) / 2.0;
        s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fV%.1f\" stroke=\"#222\" "
                + "fill=\"none\"><title>range %s–%s</title></path>%n", x1, ym - 3, ym + 3, x1, ym, x2, x2, ym - 3, ym + 3,
                Format.number(lo), Format.number(hi)));
        return x2 - x0;
    }

    /** The axis range {lo, hi}: from 0 (linear) or a power of 10 below the smallest value (log). */
    double[] range() {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isNaN(v) && (!log || v > 0)) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (ranges != null) {
            for (double[][] row : ranges) {
                for (int k = 0; row != null && k < row.length; k++) {
                    if (row[k] != null && !Double.isNaN(row[k][1])) {
                        max = Math.max(max, row[k][1]);
                    }
                }
            }
        }
        if (!Double.isNaN(reference)) {
            max = Math.max(max, reference);
            min = Math.min(min, reference);
        }
        if (log) {
            if (min == Double.POSITIVE_INFINITY) {
                return new double[] {1, 10};
            }
            double lo = Math.pow(10, Math.floor(Math.log10(min)));
            double hi = Math.pow(10, Math.ceil(Math.log10(max)));
            return new double[] {lo, hi > lo ? hi : lo * 10};
        }
        return new double[] {0, max > 0 ? niceCeiling(max) : 1};
    }

    /** Pixels from the axis for value {@code v}. */
    double scale(double v, double[] range) {
        if (log) {
            return PLOT_WIDTH * (Math.log10(v) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0]));
        }
        return PLOT_WIDTH * (v - range[0]) / (range[1] - range[0]);
    }

    private List<Double> ticks(double[] range) {
        List<Double> t = new ArrayList<>();
        if (log) {
            for (double v = range[0]; v <= range[1] * 1.0001; v *= 10) {
                t.add(v);
            }
        } else {
            double step = range[1] / 5;
            for (int i = 0; i <= 5; i++) {
                t.add(i * step);
            }
        }
        return t;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
