// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir Path dir;

    private static History two() {
        History h = new History();
        h.add(new EpochResult(0, 10, 0.5, 0.8, Double.NaN, Double.NaN, 2.0, 1000, 0.01f));
        h.add(new EpochResult(1, 20, 0.25, 0.9, 0.3, 0.88, 1.5, 1200, 0.005f));
        return h;
    }

    @Test
    void csvHasHeaderAndEmptyFieldsForMissingFigures() {
        String[] lines = two().toCsv().split("\n");
        assertEquals(String.join(",", History.COLUMNS), lines[0]);
        assertEquals("1,10,0.5,0.8,,,2.0,1000.0,0.009999999776482582", lines[1]);
        assertTrue(lines[2].startsWith("2,20,0.25,0.9,0.3,0.88,"), lines[2]);
    }

    @Test
    void jsonParsesWithNullsForMissingFigures() throws IOException {
        Path f = dir.resolve("history.json");
        two().write(f);
        JsonArray a = JsonParser.parseString(Files.readString(f)).getAsJsonArray();
        assertEquals(2, a.size());
        JsonObject first = a.get(0).getAsJsonObject();
        assertTrue(first.get("val_loss").isJsonNull());
        assertEquals(1, first.get("epoch").getAsInt());
        assertEquals(0.88, a.get(1).getAsJsonObject().get("val_accuracy").getAsDouble());
        two().write(dir.resolve("history.csv"));
        assertTrue(Files.readString(dir.resolve("history.csv")).startsWith("epoch,steps,"));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void bestAndTotals() {
        History h = two();
        assertEquals(1, h.best().epoch(), "epoch 2's validation loss 0.3 beats epoch 1's training loss 0.5");
        assertEquals(3.5, h.trainingSeconds());
        assertEquals("[\n]\n".replace("\n]", "]"), new History().toJson().replace("\n]", "]"));
    }

    @Test
    void consoleLogPrintsTheTutorialsLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConsoleLog log = new ConsoleLog(out, 2);
        log.onStart(new TrainingListener.Plan(5, 0, 3, 4, 12, 0));
        for (int i = 0; i < 3; i++) {
            log.onStep(0, i, i, 0.5f / (i + 1), 4);
        }
        log.onEpochEnd(new EpochResult(0, 3, 0.4, 0.9123, 0.41, 0.9, 1.25, 16822.4, 0.001f));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("Iteration: 0 Loss: 0.5", lines[0]);
        assertEquals("Iteration: 2 Loss: 0.16666667", lines[1]);
        assertEquals("Epoch 1/5: loss 0.4000, accuracy 91.23%, val_loss 0.4100, val_accuracy 90.00%, 1.25 s, "
                + "16,822 samples/s", lines[2]);
    }
}
