// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.io.SafetensorsFile;
import dev.gradus.io.StoredTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PyTorch state dict (the library's test fixture {@code torch/wrapped.safetensors}: a module holding
 * nn.Sequential(Linear(5, 12), ReLU(), Linear(12, 12), ReLU(), Linear(12, 4)), made by
 * {@code make_state_dicts.py} beside it) in {@code evaluate}, {@code predict}, {@code export} and
 * {@code train --init}, its architecture given as {@code train} takes it. The data are the fixture's
 * 32 inputs labelled with PyTorch's own argmax, so PyTorch scores 100% on them.
 */
class ImportCliTest {
    static final Path FIXTURES = Path.of("..", "library", "src", "test", "resources", "dev", "gradus", "io", "torch");
    @TempDir Path dir;
    Path stateDict;
    Path csv;
    float[] torchOutputs;

    @BeforeEach
    void data() throws IOException {
        stateDict = FIXTURES.resolve("wrapped.safetensors");
        assertTrue(Files.isRegularFile(stateDict), "the fixture " + stateDict.toAbsolutePath() + " is missing");
        SafetensorsFile io = SafetensorsFile.read(FIXTURES.resolve("wrapped_io.safetensors"));
        float[] x = io.tensor("x").data();
        torchOutputs = io.tensor("y").data();
        StringBuilder sb = new StringBuilder("a,b,c,d,e,label\n");
        for (int r = 0; r < 32; r++) {
            for (int c = 0; c < 5; c++) {
                sb.append(x[r * 5 + c]).append(',');
            }
            sb.append(argmax(r)).append('\n');
        }
        csv = Files.writeString(dir.resolve("torch.csv"), sb);
    }

    private int argmax(int r) {
        int best = 0;
        for (int c = 1; c < 4; c++) {
            best = torchOutputs[r * 4 + c] > torchOutputs[r * 4 + best] ? c : best;
        }
        return best;
    }

    private static Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.exit(), r::transcript);
        assertEquals("", r.err(), r::transcript);
        return r;
    }

    @Test
    void evaluateAndPredictRunAStateDictAsPyTorchDoes() {
        Cli eval = ok("evaluate", stateDict.toString(), "--layers", "5,12,12,4", "--activation", "relu",
                "--csv", csv.toString(), "--label", "label", "--backend", "java");
        assertTrue(eval.out().contains("accuracy 100.00% (32/32)"), eval::transcript);

        Cli predict = ok("predict", stateDict.toString(), csv.toString(), "--label", "label", "--layers", "5,12,12,4",
                "--backend", "java");
        List<String> lines = predict.out().lines().toList();
        assertEquals(33, lines.size(), predict::transcript);
        double worst = 0;
        for (int r = 0; r < 32; r++) {
            String[] f = lines.get(r + 1).split(",");
            assertEquals(Integer.toString(argmax(r)), f[1], lines.get(r + 1));
            double max = torchOutputs[r * 4 + argmax(r)];
            double sum = 0;
            for (int c = 0; c < 4; c++) {
                sum += Math.exp(torchOutputs[r * 4 + c] - max);
            }
            worst = Math.max(worst, Math.abs(Double.parseDouble(f[2]) - 1 / sum));
        }
        System.out.printf(Locale.ROOT, "[import] gradus predict on PyTorch's state dict: classes 32/32 as PyTorch's, "
                + "confidence max |difference| %.3g (printed to 6 decimals)%n", worst);
        assertTrue(worst <= 1e-6, "confidences differ from PyTorch's softmax by " + worst);
    }

    @Test
    void trainInitStartsFromTheStateDict() throws IOException {
        Path run = dir.resolve("run");
        // a learning rate so small that one epoch leaves the weights within float rounding of PyTorch's
        Cli train = ok("train", "--csv", csv.toString(), "--label", "label", "--layers", "5,12,12,4", "--init", stateDict.toString(),
                "--optimizer", "sgd", "--momentum", "0", "--lr", "1e-9", "--epochs", "1", "--test-fraction", "0.25",
                "--backend", "java", "--out", run.toString());
        assertTrue(train.out().startsWith("initialized from " + stateDict), train::transcript);
        assertTrue(train.out().contains("test accuracy 100.00% (8/8)"), train::transcript);
        SafetensorsFile saved = SafetensorsFile.read(run.resolve(RunFiles.MODEL));
        SafetensorsFile torch = SafetensorsFile.read(stateDict);
        for (String name : List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias")) {
            StoredTensor a = saved.tensor(name);
            float[] b = torch.tensor("model." + name).data();
            for (int i = 0; i < b.length; i++) {
                assertEquals(b[i], a.data()[i], 1e-6, name + "[" + i + "]");
            }
        }
        // and the fine-tuned model evaluates as a Gradus model, without the architecture flags
        Cli eval = ok("evaluate", run.resolve(RunFiles.MODEL).toString(), "--csv", csv.toString(), "--label", "label",
                "--backend", "java");
        assertTrue(eval.out().contains("accuracy 100.00% (32/32)"), eval::transcript);
    }

    @Test
    void exportTurnsAStateDictIntoOnnx() throws Exception {
        Path onnx = dir.resolve("torch.onnx");
        ok("export", stateDict.toString(), "--layers", "5,12,12,4", "--out", onnx.toString());
        try (OnnxRuntime rt = new OnnxRuntime(Files.readAllBytes(onnx))) {
            SafetensorsFile io = SafetensorsFile.read(FIXTURES.resolve("wrapped_io.safetensors"));
            float[] logits = rt.run("input", io.tensor("x").data(), 32, 5).get("logits");
            for (int i = 0; i < logits.length; i++) {
                assertEquals(torchOutputs[i], logits[i], 1e-5, "logit " + i);
            }
        }
    }

    @Test
    void aStateDictThatDoesNotFitIsOneLineNamingTheFirstMisfit() {
        Cli noFlags = Cli.run("evaluate", stateDict.toString(), "--csv", csv.toString(), "--label", "label", "--backend", "java");
        assertEquals(Main.BAD_INPUT, noFlags.exit(), noFlags::transcript);
        assertTrue(noFlags.err().contains("not a Gradus model") && noFlags.err().contains("--layers"), noFlags::transcript);

        Cli wrong = Cli.run("predict", stateDict.toString(), csv.toString(), "--label", "label", "--layers", "5,12,4",
                "--backend", "java");
        assertEquals(Main.BAD_INPUT, wrong.exit(), wrong::transcript);
        assertTrue(wrong.err().contains("tensor 'model.2.weight' has shape [12, 12] but layer 2 dense(12 -> 4) needs [4, 12]"),
                wrong::transcript);

        Cli init = Cli.run("train", "--csv", csv.toString(), "--label", "label", "--layers", "5,16,4", "--init",
                stateDict.toString(), "--backend", "java");
        assertEquals(Main.BAD_INPUT, init.exit(), init::transcript);
        assertTrue(init.err().contains("tensor 'model.0.weight' has shape [12, 5] but layer 0 dense(5 -> 16) needs [16, 5]"),
                init::transcript);

        Cli both = Cli.run("train", "--resume", dir.resolve("checkpoint.safetensors").toString(), "--init", stateDict.toString());
        assertEquals(Main.BAD_INPUT, both.exit(), both::transcript);
        assertTrue(both.err().contains("--init and --resume exclude each other"), both::transcript);

        Cli loneFlag = Cli.run("evaluate", stateDict.toString(), "--activation", "tanh", "--csv", csv.toString(), "--label", "label");
        assertEquals(Main.BAD_INPUT, loneFlag.exit(), loneFlag::transcript);
        assertTrue(loneFlag.err().contains("--activation describes a state dict's architecture: give --layers or --model too"),
                loneFlag::transcript);
    }
}
