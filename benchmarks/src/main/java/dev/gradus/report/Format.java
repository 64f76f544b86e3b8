// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.Locale;

/** Number formatting for tables and charts: three significant figures, thousands separated. */
final class Format {
    private Format() {}

    /** e.g. 0.0123, 1.23, 12.3, 123, 1,234, 123,456; "n/a" for NaN. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** An axis tick: whole numbers without decimals (1, 10, 250, 1,000), others as {@link #number}. */
    static String tick(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }

    /** "12.3 ± 0.4" (JMH's error), or just the value when the error is unknown. */
    static String withError(double v, double error) {
        return Double.isNaN(error) ? number(v) : number(v) + " ± " + number(error);
    }

    /** "12.3 [11.9–13.0]": median and range. */
    static String spread(Spread s) {
        if (s.count() <= 1) {
            return number(s.median());
        }
        return number(s.median()) + " [" + number(s.min()) + "–" + number(s.max()) + "]";
    }

    /** "4.2×" */
    static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : number(v) + "×";
    }

    /** "98.7%" */
    static String percent(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v);
    }

    /** 4096 → "4 Ki", 262144 → "256 Ki", 16777216 → "16 Mi". */
    static String elements(long n) {
        if (n >= (1 << 20) && n % (1 << 20) == 0) {
            return (n >> 20) + " Mi";
        }
        if (n >= 1024 && n % 1024 == 0) {
            return (n >> 10) + " Ki";
        }
        return Long.toString(n);
    }
}
