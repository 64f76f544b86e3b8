// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's metadata mutated — each entry removed or given a wrong type, a huge or negative
 * number, the JSON inside it (architecture, optimizer config, history, class names) mutated value by
 * value — and the file truncated or bit-flipped, through {@code evaluate}, {@code predict} and
 * {@code train --resume}: each run succeeds or prints one line naming the file, exit code 2, never an
 * internal error. (The library's own fuzz test covers the tensors' entries and every library entry; this
 * one adds what the command line reads.) Seeded; a sample of the cases keeps it to a few seconds.
 */
class ModelFileFuzzCliTest {
    @TempDir Path dir;

    @Test
    void mutatedCheckpointsGiveOneLineNamingTheFile() throws IOException {
        Path csv = TinyData.blobsCsv(dir);
        Path run = dir.resolve("run");
        Cli train = Cli.run("train", "--csv", csv.toString(), "--label", "species", "--layers", "4,5,3", "--epochs", "1",
                "--backend", "java", "--out", run.toString());
        assertTrue(train.exit() == 0, train::transcript);
        byte[] original = Files.readAllBytes(run.resolve(RunFiles.CHECKPOINT));
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonObject header = JsonParser.parseString(new String(original, 8, headerEnd - 8, StandardCharsets.UTF_8)).getAsJsonObject();
        byte[] data = Arrays.copyOfRange(original, headerEnd, original.length);

        List<Case> cases = new ArrayList<>();
        Random random = new Random(11);
        List<String> modelKeys = List.of(RunFiles.KEY_CLASSES);   // what evaluate and predict read
        List<String> resumeKeys = List.of(RunFiles.KEY_HISTORY, RunFiles.KEY_BATCH, RunFiles.KEY_EPOCHS, RunFiles.KEY_DATA,
                RunFiles.KEY_DATA_ID);                              // what train --resume reads
        List<Tree> library = new ArrayList<>();
        List<Case> command = new ArrayList<>();
        JsonObject meta = header.getAsJsonObject("__metadata__");
        for (String key : meta.keySet()) {
            for (Tree t : mutations(meta.get(key), key)) {
                JsonObject m = meta.deepCopy();
                m.add(key, t.value);
                JsonObject h = header.deepCopy();
                h.add("__metadata__", m);
                if (modelKeys.contains(key) || resumeKeys.contains(key)) {
                    command.add(new Case(t.where, h.toString(), modelKeys.contains(key), resumeKeys.contains(key)));
                } else {
                    library.add(new Tree(t.where, h));
                }
            }
            JsonObject m = meta.deepCopy();
            m.remove(key);
            JsonObject h = header.deepCopy();
            h.add("__metadata__", m);
            cases.add(new Case("without " + key, write(h, data, cases.size()), true, true));
        }
        Collections.shuffle(command, random);   // a sample of the command line's own entries, 120 of ~450
        for (Case c : command.subList(0, 120)) {
            cases.add(new Case(c.what, write(JsonParser.parseString(c.file).getAsJsonObject(), data, cases.size()), c.model, c.resume));
        }
        for (int k = 0; k < 30; k++) {   // the library's own test tries them all
            Tree t = library.get(random.nextInt(library.size()));
            cases.add(new Case(t.where, write((JsonObject) t.value, data, cases.size()), true, true));
        }
        for (int k = 0; k < 20; k++) {
            byte[] b = k % 2 == 0 ? Arrays.copyOf(original, random.nextInt(original.length)) : original.clone();
            if (k % 2 == 1) {
                b[random.nextInt(headerEnd)] ^= (byte) (1 << random.nextInt(8));
            }
            Path f = Files.write(dir.resolve("case-" + cases.size() + ".safetensors"), b);
            cases.add(new Case(k % 2 == 0 ? "truncated to " + b.length : "a bit flipped", f.toString(), true, true));
        }

        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            if (c.model) {
                check(failures, c.what, c.file, "evaluate", c.file, "--csv", csv.toString(), "--label", "species", "--backend", "java");
                check(failures, c.what, c.file, "predict", c.file, csv.toString(), "--label", "species", "--backend", "java");
            }
            if (c.resume) {
                check(failures, c.what, c.file, "train", "--csv", csv.toString(), "--label", "species", "--backend", "java",
                        "--epochs", "2", "--resume", c.file);
            }
        }
        assertTrue(cases.size() > 180 && command.size() > 400, "cases: " + cases.size() + " of " + command.size());
        assertTrue(failures.isEmpty(), failures.size() + " runs did not end in success or one line naming the file:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
    }

    private static void check(List<String> failures, String what, String file, String... args) {
        Cli r = Cli.run(args);
        if (r.exit() == 0) {
            return;
        }
        List<String> lines = r.err().lines().toList();
        if (r.exit() != 2 || lines.size() != 1 || !lines.get(0).startsWith("gradus " + args[0] + ": error: ")
                || !lines.get(0).contains(file) || lines.get(0).contains("internal error")
                || lines.get(0).contains("For input string") || lines.get(0).contains("Exception")) {
            failures.add(args[0] + ", " + what + ": exit " + r.exit() + ", " + r.err().strip());
        }
    }

    private record Tree(String where, JsonElement value) {}

    /** A mutated file and the commands that read what was mutated. */
    private record Case(String what, String file, boolean model, boolean resume) {}

    private static final List<JsonElement> REPLACEMENTS = List.of(JsonNull.INSTANCE, new JsonPrimitive(true),
            new JsonPrimitive("x"), new JsonPrimitive(""), new JsonArray(), new JsonObject(), num("-1"), num("0"), num("1.5"),
            num("30000"), num("2147483648"), num("99999999999999999999"), num("1e400"), new JsonPrimitive("-1"),
            new JsonPrimitive("2147483648"), new JsonPrimitive("1e400"), new JsonPrimitive("NaN"), new JsonPrimitive("[]"),
            new JsonPrimitive("{}"));

    private static JsonPrimitive num(String text) {
        return new JsonPrimitive(new LazilyParsedNumber(text));
    }

    /** Each value replaced, each member or element removed; JSON inside a string mutated too. */
    private static List<Tree> mutations(JsonElement value, String where) {
        List<Tree> out = new ArrayList<>();
        for (JsonElement r : REPLACEMENTS) {
            out.add(new Tree(where + " = " + r, r));
        }
        if (value.isJsonObject()) {
            JsonObject o = value.getAsJsonObject();
            for (String key : o.keySet()) {
                JsonObject without = o.deepCopy();
                without.remove(key);
                out.add(new Tree(where + " without \"" + key + "\"", without));
                for (Tree t : mutations(o.get(key), where + "." + key)) {
                    JsonObject changed = o.deepCopy();
                    changed.add(key, t.value);
                    out.add(new Tree(t.where, changed));
                }
            }
        } else if (value.isJsonArray()) {
            JsonArray a = value.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                JsonArray without = a.deepCopy();
                without.remove(i);
                out.add(new Tree(where + " without [" + i + "]", without));
                for (Tree t : mutations(a.get(i), where + "[" + i + "]")) {
                    JsonArray changed = a.deepCopy();
                    changed.set(i, t.value);
                    out.add(new Tree(t.where, changed));
                }
            }
        } else if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                && (value.getAsString().startsWith("{") || value.getAsString().startsWith("["))) {
            for (Tree t : mutations(JsonParser.parseString(value.getAsString()), where + " (JSON)")) {
                out.add(new Tree(t.where, new JsonPrimitive(t.value.toString())));
            }
        }
        return out;
    }

    /** A safetensors file of this header (padded as the writer pads) and these data bytes; returns its path. */
    private String write(JsonObject header, byte[] data, int n) throws IOException {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        b.put(data);
        return Files.write(dir.resolve("case-" + n + ".safetensors"), b.array()).toString();
    }
}
