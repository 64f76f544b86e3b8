// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Tensor;
import dev.gradus.backend.jni.NativeBackend;
import dev.gradus.cli.OnnxRuntime;
import dev.gradus.io.OnnxExport;
import dev.gradus.nn.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Every reference-case network of {@code ${gradus.shared}/cases} and {@code cases/cnn} (conv2d, both
 * pools, flatten, batchnorm1d/2d, layernorm: every geometry the cases draw), with the case's parameters
 * and buffers, exported and run in ONNX Runtime on the case's input ({@code [N, C, H, W]} for the image
 * networks): the outputs are Gradus's eval-mode ones ({@code predict}: batchnorm with its running
 * statistics) within 1e-5 (max |difference|).
 */
@Tag("blas")
class OnnxReferenceCasesTest {

    @TestFactory
    List<DynamicTest> everyReferenceNetworkRunsInOnnxRuntimeAsInGradus() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(ReferenceCasesTest.casesDir())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 20, "reference cases: " + files);
        List<Path> cnn;
        try (Stream<Path> s = Files.list(ReferenceCasesTest.casesDir().resolve("cnn"))) {
            cnn = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(cnn.size() >= 23, "convolution and normalization cases: " + cnn);
        files = new ArrayList<>(files);
        files.addAll(cnn);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
        }
        return tests;
    }

    private static void check(Path file) throws Exception {
        ReferenceCase c = ReferenceCase.read(file);
        try (Network net = c.input() == null
                ? new Network(new NativeBackend(), c.layers(), c.loss(), 0)
                : new Network(new NativeBackend(), c.input(), c.layers(), c.loss(), 0);
             Tensor x = Tensor.of(c.x().rows(), c.x().cols(), c.x().floats())) {
            CaseChecker.setParameters(net, c.params());
            CaseChecker.setBuffers(net, c.buffers());   // batchnorm's running statistics, which eval mode uses
            float[] gradus = net.predict(x).toArray();
            float[] ort;
            try (OnnxRuntime rt = new OnnxRuntime(OnnxExport.toBytes(net, Map.of()))) {
                long[] shape = Arrays.stream(c.x().shape()).asLongStream().toArray();   // [N, I] or [N, C, H, W]
                ort = rt.run(OnnxExport.INPUT, x.toArray(), shape).get(OnnxExport.outputNames(c.loss()).get(0));
            }
            double worst = 0;
            for (int i = 0; i < gradus.length; i++) {
                double d = Math.abs((double) gradus[i] - ort[i]);
                worst = d > worst || Double.isNaN(d) ? d : worst;
            }
            System.out.printf(Locale.ROOT, "[onnx] case %s (%d layers, %s): max |ONNX Runtime - Gradus| %.3g over %d outputs%n",
                    c.name(), c.layers().size(), c.loss(), worst, gradus.length);
            assertTrue(worst <= 1e-5, c.name() + ": ONNX Runtime differs from Gradus by " + worst);
        }
    }
}
