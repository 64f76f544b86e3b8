// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.gradus.io.AtomicFile;
import dev.gradus.io.Checkpoint;
import dev.gradus.io.ModelFile;
import dev.gradus.io.TrainingPosition;
import dev.gradus.nn.Network;
import dev.gradus.optim.Optimizer;
import dev.gradus.train.EpochProgress;
import dev.gradus.train.EpochResult;
import dev.gradus.train.History;
import dev.gradus.train.Position;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a training run in its {@code --out} directory, each written atomically:
 * {@value #MODEL} (the trained model), {@value #CHECKPOINT} (rewritten after every epoch, for
 * {@code --resume}), {@value #HISTORY_CSV} and {@value #HISTORY_JSON} (one row per epoch) and
 * {@value #CHART} (loss and accuracy per epoch).
 */
final class RunFiles {
    static final String MODEL = "model.safetensors";
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String HISTORY_CSV = "history.csv";
    static final String HISTORY_JSON = "history.json";
    static final String CHART = "training.png";
    /** Checkpoint metadata: the run's history so far, the data and the batch size it was trained with. */
    static final String KEY_HISTORY = "history";
    static final String KEY_DATA = "data";
    static final String KEY_DATA_ID = "data_id";
    static final String KEY_BATCH = "batch_size";
    static final String KEY_EPOCHS = "epochs";
    static final String KEY_CLASSES = dev.gradus.io.ModelFile.KEY_CLASSES;
    /** Checkpoint metadata of a run stopped mid-epoch: the epoch's running figures, "lossSum;correct;samples;seconds". */
    static final String KEY_PROGRESS = "epoch_progress";

    private final Path dir;

    /** Creates {@code dir} if needed; an existing file of that name is an error. */
    RunFiles(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString());
        }
        Files.createDirectories(dir);
        this.dir = dir;
    }

    Path dir() { return dir; }

    Path model() { return dir.resolve(MODEL); }

    void checkpoint(Network network, Optimizer optimizer, Position p, long seed, History history,
                    Map<String, String> info, EpochProgress progress) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(info);
        meta.put(KEY_HISTORY, history.toJson());
        if (p.batch() > 0 && progress.samples() > 0) {   // exact decimals: the resumed epoch's figures match
            meta.put(KEY_PROGRESS, progress.lossSum() + ";" + progress.correct() + ";" + progress.samples() + ";"
                    + progress.seconds());
        }
        Checkpoint.save(dir.resolve(CHECKPOINT), network, optimizer,
                new TrainingPosition(p.epoch(), p.batch(), p.step(), seed, network.dropoutStep()), meta);
    }

    /** The model, the history and the chart. */
    void finish(Network network, History history, Map<String, String> info, String title) throws IOException {
        ModelFile.save(model(), network, info);
        AtomicFile.writeString(dir.resolve(HISTORY_CSV), history.toCsv());
        AtomicFile.writeString(dir.resolve(HISTORY_JSON), history.toJson());
        chart(dir.resolve(CHART), history, title);
    }

    static void chart(Path file, History history, String title) throws IOException {
        List<EpochResult> es = history.epochs();
        double[][] v = new double[4][es.size()];
        for (int i = 0; i < es.size(); i++) {
            EpochResult r = es.get(i);
            v[0][i] = r.trainLoss();
            v[1][i] = r.validationLoss();
            v[2][i] = r.trainAccuracy();
            v[3][i] = r.validationAccuracy();
        }
        List<TrainingChart.Series> loss = new ArrayList<>(List.of(new TrainingChart.Series("train loss", v[0])));
        List<TrainingChart.Series> acc = new ArrayList<>(List.of(new TrainingChart.Series("train accuracy", v[2])));
        if (!es.isEmpty() && es.get(0).hasValidation()) {
            loss.add(new TrainingChart.Series("validation loss", v[1]));
            acc.add(new TrainingChart.Series("validation accuracy", v[3]));
        }
        TrainingChart.write(file, title, loss, acc);
    }

    /**
     * Reads {@link History#toJson()} back from the metadata of {@code checkpoint} (epochs there are numbered
     * from 1, NaN is null); {@code epochs} is how many its position says are done.
     */
    static History readHistory(Path checkpoint, String json, int epochs) {
        List<EpochResult> out = new ArrayList<>();
        try {
            JsonElement root = parse(json);
            if (!root.isJsonArray()) {
                throw new IllegalArgumentException("it is not a JSON array");
            }
            JsonArray a = root.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isJsonObject()) {
                    throw new IllegalArgumentException("entry " + i + " is not a JSON object");
                }
                JsonObject o = a.get(i).getAsJsonObject();
                String where = "entry " + i + "'s ";
                long epoch = integer(o, "epoch", where);
                if (epoch != i + 1) {
                    throw new IllegalArgumentException(where + "\"epoch\" is " + epoch + ", expected " + (i + 1));
                }
                long steps = integer(o, "steps", where);
                double lr = number(o, "lr", where);
                if (!(Math.abs(lr) <= Float.MAX_VALUE)) {
                    throw new IllegalArgumentException(where + "\"lr\" is " + o.get("lr") + ", not a float");
                }
                out.add(new EpochResult(i, steps, number(o, "train_loss", where), number(o, "train_accuracy", where),
                        number(o, "val_loss", where), number(o, "val_accuracy", where), number(o, "seconds", where),
                        number(o, "samples_per_second", where), (float) lr));
            }
            if (a.size() != epochs) {
                throw new IllegalArgumentException("it has " + a.size() + " epochs, but the checkpoint's position says "
                        + epochs + " are done");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(checkpoint + ": the training history (metadata '" + KEY_HISTORY
                    + "') is unreadable: " + e.getMessage());
        }
        return new History(out);
    }

    /** The running figures a checkpoint stopped mid-epoch stored ({@link EpochProgress#NONE} when none). */
    static EpochProgress readProgress(Path checkpoint, Map<String, String> info) {
        String v = info.get(KEY_PROGRESS);
        if (v == null) {
            return EpochProgress.NONE;
        }
        try {
            String[] f = v.split(";", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException("not 4 fields");
            }
            return new EpochProgress(Double.parseDouble(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Double.parseDouble(f[3]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(checkpoint + ": metadata '" + KEY_PROGRESS + "' is not "
                    + "'lossSum;correct;samples;seconds': '" + v + "' (" + e.getMessage() + ")");
        }
    }

    /** The class names in a model's metadata {@value #KEY_CLASSES}, or null when it has none. */
    static List<String> readClasses(Path model, Map<String, String> info) {
        String json = info.get(KEY_CLASSES);
        if (json == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        JsonElement root;
        try {
            root = parse(json);
        } catch (IllegalArgumentException e) {
            root = null;
        }
        if (root != null && root.isJsonArray()) {
            for (JsonElement e : root.getAsJsonArray()) {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                    names = null;
                    break;
                }
                names.add(e.getAsString());
            }
        }
        if (root == null || !root.isJsonArray() || names == null || names.isEmpty()) {
            throw new IllegalArgumentException(model + ": metadata '" + KEY_CLASSES + "' is not a JSON array of class names: "
                    + (json.length() > 60 ? json.substring(0, 57) + "..." : json));
        }
        return names;
    }

    /** Strict JSON, one value, no trailing text. */
    private static JsonElement parse(String json) {
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            JsonElement e = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("text follows the JSON value");
            }
            return e;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            String what = String.valueOf(cause.getMessage());
            int link = what.indexOf(" See http");   // gson appends a troubleshooting link
            throw new IllegalArgumentException("not valid JSON (" + (link > 0 ? what.substring(0, link) : what) + ")");
        }
    }

    private static long integer(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        try {
            if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                long v = new java.math.BigDecimal(e.getAsString()).longValueExact();
                if (v >= 0) {
                    return v;
                }
            }
        } catch (ArithmeticException | NumberFormatException ex) {
            // reported below
        }
        throw new IllegalArgumentException(where + "\"" + key + "\" is " + (e == null ? "missing" : e) + ", not an integer >= 0");
    }

    /** A number, NaN for null (a figure that was missing: no validation set, or regression). */
    private static double number(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonNull()) {
            return Double.NaN;
        }
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double v = e.getAsDouble();
            if (Double.isFinite(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException(where + "\"" + key + "\" is " + (e == null ? "missing" : e) + ", not a number or null");
    }
}
