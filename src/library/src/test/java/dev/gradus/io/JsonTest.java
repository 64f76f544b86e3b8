// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsWhatItWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\" \\ line\nwith\ttabs and \u0001 and ünïcode");
        m.put("i", 7);
        m.put("l", -(1L << 40));
        m.put("f", 0.1f);
        m.put("b", true);
        m.put("n", Json.NULL);
        m.put("a", List.of(1, List.of(), Map.of()));
        String text = Json.write(m);
        Map<String, Object> back = Json.parseObject(text);
        assertEquals(m.get("s"), back.get("s"));
        assertEquals(7, Json.number(back.get("i"), "i").asInt());
        assertEquals(-(1L << 40), Json.number(back.get("l"), "l").asLong());
        assertEquals(0.1f, Json.number(back.get("f"), "f").asFloat());
        assertEquals(Boolean.TRUE, back.get("b"));
        assertEquals(Json.NULL, back.get("n"));
        assertEquals(text, Json.write(back), "written again, the same text");
    }

    @Test
    void floatsRoundTripBitForBit() {
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < 10_000; k++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            float back = Json.number(Json.parse(Json.write(f)), "f").asFloat();
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back), "float " + f);
        }
    }

    @Test
    void acceptsRfcWhitespaceAndEscapes() {
        Object v = Json.parse(" \t\r\n{ \"k\" : [ 1 , -0.5e+3 , \"\\u00e9\\/\" ] }\n ");
        List<Object> a = Json.array(Json.object(v, "v").get("k"), "k");
        assertEquals(-500.0, Json.number(a.get(1), "x").asDouble());
        assertEquals("é/", a.get(2));
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "[1,]", "{\"a\":1}x", "{'a':1}", "{\"a\":01}",
                "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":1e}", "\"tab\there\"", "tru",
                "{\"a\":1,\"a\":2}", "\"\\x\"", "\"\\u12\"", "\"open", "[".repeat(100) + "]".repeat(100)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        }
    }

    @Test
    void numbersAreCheckedWhenRead() {
        assertThrows(IllegalArgumentException.class, () -> Json.number(Json.parse("1.5"), "x").asLong());
        assertThrows(IllegalArgumentException.class, () -> Json.number(Json.parse("1e30"), "x").asLong());
        assertThrows(IllegalArgumentException.class, () -> Json.number(Json.parse("3000000000"), "x").asInt());
        assertThrows(IllegalArgumentException.class, () -> Json.number(Json.parse("1e39"), "x").asFloat());
        assertEquals(100, Json.number(Json.parse("1e2"), "x").asInt());
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.number("7", "\"in\""));
        assertEquals("\"in\" is \"7\", not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.number(null, "\"in\""));
        assertEquals("\"in\" is missing, not a number", e.getMessage());
    }
}
