// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of model files (the safetensors header and Gradus's metadata), strict RFC 8259, as plain Java
 * values: an object is a {@code Map<String, Object>} (in file order), an array a {@code List<Object>}, a
 * string a {@code String}, a number a {@link Num} (its literal text, so a float reads back bit for bit),
 * {@code true}/{@code false} a {@code Boolean}, {@code null} {@link #NULL}.
 *
 * <p>Hand-written rather than a dependency: a library that bundles or declares a JSON library collides
 * with the application's own version of it (gson 2.8.5's {@code JsonParser} lacks {@code parseString},
 * and an application pinning it crashed loading a model). Strict where a general parser is lenient:
 * duplicate keys, trailing data, nesting deeper than {@value #MAX_DEPTH} and non-finite numbers are errors.
 */
final class Json {
    /** JSON's {@code null}. */
    static final Object NULL = new Object() {
        @Override public String toString() { return "null"; }
    };
    static final int MAX_DEPTH = 64;

    /** A JSON number, kept as written. */
    record Num(String text) {
        float asFloat() {
            float f = Float.parseFloat(text);
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("number " + text + " does not fit a float");
            }
            return f;
        }

        double asDouble() { return Double.parseDouble(text); }

        /** The exact integer value; an {@link IllegalArgumentException} for fractions and values beyond a long. */
        long asLong() {
            try {
                return new BigDecimal(text).longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("number " + text + " is not an integer that fits 64 bits");
            }
        }

        int asInt() {
            long v = asLong();
            if (v != (int) v) {
                throw new IllegalArgumentException("number " + text + " does not fit 32 bits");
            }
            return (int) v;
        }

        @Override public String toString() { return text; }
    }

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    // ---- reading -----------------------------------------------------------------------------------

    /** Parses one JSON value; a malformed text is an {@link IllegalArgumentException} naming the offset. */
    static Object parse(String text) {
        Json p = new Json(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    /** Parses a JSON object. */
    static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("it is " + describe(v));
        }
        return object(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        if (i >= s.length()) {
            throw error("unexpected end of text");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> objectValue(depth);
            case '[' -> arrayValue(depth);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> objectValue(int depth) {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            i++;
            return m;
        }
        for (;;) {
            space();
            if (!peek('"')) {
                throw error("expected a string key");
            }
            int at = i;
            String key = string();
            space();
            expect(':');
            space();
            Object v = value(depth + 1);
            if (m.put(key, v) != null) {
                i = at;
                throw error("duplicate key \"" + key + "\"");
            }
            space();
            if (peek(',')) {
                i++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> arrayValue(int depth) {
        i++;
        List<Object> a = new ArrayList<>();
        space();
        if (peek(']')) {
            i++;
            return a;
        }
        for (;;) {
            space();
            a.add(value(depth + 1));
            space();
            if (peek(',')) {
                i++;
            } else {
                expect(']');
                return a;
            }
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        for (;;) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    i += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Num number() {
        int start = i;
        if (peek('-')) {
            i++;
        }
        if (peek('0')) {
            i++;
        } else if (!digits()) {
            throw error("bad number");
        }
        if (peek('.')) {
            i++;
            if (!digits()) {
                throw error("bad number: no digit after '.'");
            }
        }
        if (peek('e') || peek('E')) {
            i++;
            if (peek('+') || peek('-')) {
                i++;
            }
            if (!digits()) {
                throw error("bad number: no digit in the exponent");
            }
        }
        return new Num(s.substring(start, i));
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start;
    }

    private Object word(String w, Object v) {
        if (!s.startsWith(w, i)) {
            throw error("unexpected text");
        }
        i += w.length();
        return v;
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error(i >= s.length() ? "unexpected end of text, expected '" + c + "'" : "expected '" + c + "'");
        }
        i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at offset " + i + ": " + what);
    }

    // ---- writing -----------------------------------------------------------------------------------

    /**
     * Compact JSON of a value built from maps, lists, strings, booleans, {@link #NULL}, {@link Num} and
     * Java numbers (a float as {@link Float#toString}, so it reads back bit for bit; NaN and infinities are
     * an {@link IllegalArgumentException}: JSON has no such numbers).
     */
    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null || v == NULL) {
            b.append("null");
        } else if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Num) {
            b.append(v);
        } else if (v instanceof Float f) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("JSON cannot hold the number " + f);
            }
            b.append(Float.toString(f));
        } else if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON cannot hold the number " + d);
            }
            b.append(Double.toString(d));
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int k = 0; k < l.size(); k++) {
                if (k > 0) {
                    b.append(',');
                }
                write(b, l.get(k));
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    // ---- reading helpers for the callers' error messages ----------------------------------------

    /** {@code o[key]} as an object; what names the place for the message. */
    static Map<String, Object> object(Object v, String what) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(what + " is " + describe(v) + ", not a JSON object");
        }
        return object(m);
    }

    static List<Object> array(Object v, String what) {
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(what + " is " + describe(v) + ", not a JSON array");
        }
        return Collections.unmodifiableList(l);
    }

    static String string(Object v, String what) {
        if (!(v instanceof String str)) {
            throw new IllegalArgumentException(what + " is " + describe(v) + ", not a string");
        }
        return str;
    }

    static Num number(Object v, String what) {
        if (!(v instanceof Num n)) {
            throw new IllegalArgumentException(what + " is " + describe(v) + ", not a number");
        }
        return n;
    }

    static boolean bool(Object v, String what) {
        if (!(v instanceof Boolean bo)) {
            throw new IllegalArgumentException(what + " is " + describe(v) + ", not true or false");
        }
        return bo;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "missing";
        }
        String text = v instanceof String str ? '"' + str + '"' : write(v);
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
