// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated model and checkpoint files — truncations, bit flips, and every value of the header (the
 * tensors' entries and the metadata, the JSON inside metadata strings included) replaced by a wrong
 * type, a huge or negative number, or removed — either load or fail with a {@link FileFormatException}
 * naming the file. Never another exception, never an out-of-memory error: a mutated size is checked
 * against what the file holds before anything is allocated. Seeded; a few thousand cases in about a second.
 */
class ModelFileFuzzTest {
    @TempDir Path dir;

    private final Backend backend = Backend.named("java");

    @Test
    void mutatedModelsLoadOrFailWithTheFileNamed() throws IOException {
        Path f = dir.resolve("model.safetensors");
        try (Network net = new Network(backend, ModelFileTest.everyKindOfLayer(), Loss.huber(0.3f), 99)) {
            ModelFile.save(f, net, Map.of("classes", "[\"a\",\"b\",\"c\"]"));
        }
        List<String> failures = fuzz(Files.readAllBytes(f), false);
        assertTrue(failures.isEmpty(), failures.size() + " mutations escaped as something else than a FileFormatException:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
    }

    @Test
    void mutatedCheckpointsLoadOrFailWithTheFileNamed() throws IOException {
        Path f = dir.resolve("checkpoint.safetensors");
        try (Network net = new Network(backend, ModelFileTest.everyKindOfLayer(), Loss.CROSS_ENTROPY, 7);
             Optimizer adam = new OptimizerSpec("adam", AdamConfig.adam(0.002f).withAmsgrad(true)).create(net)) {
            adam.setStepCount(17);
            Checkpoint.save(f, net, adam, new TrainingPosition(2, 5, 31, 42, 123), Map.of("note", "x"));
        }
        List<String> failures = fuzz(Files.readAllBytes(f), true);
        assertTrue(failures.isEmpty(), failures.size() + " mutations escaped as something else than a FileFormatException:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
    }

    /** Loads every mutation of {@code original}; returns what escaped. */
    private List<String> fuzz(byte[] original, boolean checkpoint) throws IOException {
        List<Mutation> cases = new ArrayList<>();
        Random random = new Random(8);
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (int n : new int[] {0, 1, 7, 8, 9, headerEnd - 1, headerEnd, headerEnd + 1, original.length - 4, original.length - 1}) {
            cases.add(new Mutation("truncated to " + n + " bytes", Arrays.copyOf(original, n)));
        }
        for (int k = 0; k < 40; k++) {
            int n = random.nextInt(original.length);
            cases.add(new Mutation("truncated to " + n + " bytes", Arrays.copyOf(original, n)));
        }
        for (int k = 0; k < 600; k++) {
            byte[] b = original.clone();
            // mostly in the header, where the structure is
            int at = k % 4 == 3 ? random.nextInt(b.length) : random.nextInt(headerEnd);
            int bit = random.nextInt(8);
            b[at] ^= (byte) (1 << bit);
            cases.add(new Mutation("bit " + bit + " of byte " + at + " flipped", b));
        }
        for (long length : new long[] {0, -1, 1, headerEnd - 9, headerEnd - 7, original.length, 1L << 40, Long.MIN_VALUE}) {
            byte[] b = original.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            cases.add(new Mutation("header length " + length, b));
        }
        Map<String, Object> header = Json.parseObject(new String(original, 8, headerEnd - 8, StandardCharsets.UTF_8).strip());
        byte[] data = Arrays.copyOfRange(original, headerEnd, original.length);
        for (Tree t : mutations(header, "header")) {
            cases.add(new Mutation(t.where, file(Json.write(t.value), data)));
        }
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            Mutation m = cases.get(k);
            // a new file each time: ext4 flushes a file that is truncated and rewritten when it is closed
            Path f = Files.write(dir.resolve("mutated-" + k + ".safetensors"), m.bytes);
            check(failures, m, f, () -> ModelFile.load(f, backend).close());
            if (checkpoint) {
                check(failures, m, f, () -> Checkpoint.load(f, backend).close());
            }
            Files.delete(f);
        }
        assertTrue(cases.size() > (checkpoint ? 2000 : 1000), "cases: " + cases.size());
        return failures;
    }

    private interface Load {
        void run() throws IOException;
    }

    private static void check(List<String> failures, Mutation m, Path f, Load load) {
        try {
            load.run();
        } catch (FileFormatException e) {
            if (!e.getMessage().startsWith(f + ": ") || e.getMessage().length() < f.toString().length() + 12
                    || e.getMessage().contains("For input string") || e.getMessage().contains("Exception")) {
                failures.add(m.what + ": message does not name the file and the problem: " + e.getMessage());
            }
        } catch (Exception e) {
            failures.add(m.what + ": " + e);
        }
    }

    private record Mutation(String what, byte[] bytes) {}

    private record Tree(String where, Object value) {}

    /** Values that a mutation puts in place of one value of the header. */
    private static final List<Object> REPLACEMENTS = List.of(Json.NULL, true, "x", "", List.of(), Map.of(),
            num("-1"), num("0"), num("1.5"), num("30000"), num("2147483648"), num("99999999999999999999"), num("1e400"),
            num("-9223372036854775809"), "-1", "0", "1.5", "30000", "2147483648", "99999999999999999999", "1e400", "NaN",
            "-Infinity", "[]", "{}");

    private static Json.Num num(String text) {
        return new Json.Num(text);
    }

    /**
     * Every single-point mutation of {@code value}: each value replaced, each member or element removed,
     * each array element doubled; a string that holds JSON (metadata) is mutated inside too.
     */
    private static List<Tree> mutations(Object value, String where) {
        List<Tree> out = new ArrayList<>();
        for (Object r : REPLACEMENTS) {
            out.add(new Tree(where + " = " + Json.write(r), r));
        }
        if (value instanceof Map<?, ?> m) {
            for (Object key : m.keySet()) {
                Map<String, Object> without = new LinkedHashMap<>(Json.object(m, where));
                without.remove(key);
                out.add(new Tree(where + " without \"" + key + "\"", without));
                for (Tree t : mutations(m.get(key), where + "." + key)) {
                    Map<String, Object> changed = new LinkedHashMap<>(Json.object(m, where));
                    changed.put((String) key, t.value);
                    out.add(new Tree(t.where, changed));
                }
            }
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                List<Object> without = new ArrayList<>(l);
                without.remove(i);
                out.add(new Tree(where + " without [" + i + "]", without));
                List<Object> doubled = new ArrayList<>(l);
                doubled.add(i, l.get(i));
                out.add(new Tree(where + " with [" + i + "] twice", doubled));
                for (Tree t : mutations(l.get(i), where + "[" + i + "]")) {
                    List<Object> changed = new ArrayList<>(l);
                    changed.set(i, t.value);
                    out.add(new Tree(t.where, changed));
                }
            }
        } else if (value instanceof String s && (s.startsWith("{") || s.startsWith("["))) {
            for (Tree t : mutations(Json.parse(s), where + " (JSON)")) {
                out.add(new Tree(t.where, Json.write(t.value)));
            }
        }
        return out;
    }

    /** A safetensors file of this header text (padded as the writer pads) and these data bytes. */
    private static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        b.put(data);
        assertEquals(b.capacity(), b.position());
        return b.array();
    }
}
