// SPDX-License-Identifier: Apache-2.0
package example.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.io.ModelFile;
import dev.gradus.nn.Network;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.Optimizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an application sees when it depends on dev.gradus:gradus from a Maven repository. */
class ConsumerTest {
    // XOR: not linearly separable, so the hidden layer has to learn
    private static final float[] X = {0, 0, 0, 1, 1, 0, 1, 1};
    private static final int[] Y = {0, 1, 1, 0};

    @Test
    void gradusComesFromTheInstalledJarAlone() throws Exception {
        String version = System.getProperty("gradus.version");
        Path jar = Path.of(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path installed = Path.of(System.getProperty("consumer.repository"), "dev", "gradus", "gradus", version,
                "gradus-" + version + ".jar");
        assertEquals(installed.toRealPath(), jar.toRealPath(), "the library's classes come from the installed jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals("dev.gradus", file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            assertTrue(file.getEntry("META-INF/LICENSE") != null, "the jar carries its licence");
        }
        // no application inside or behind it: no command line, no picocli, no report writer, no MNIST subset
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.gradus.cli.Main"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.gradus.report.Report"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("picocli.CommandLine"));
        assertNull(Network.class.getResource("/dev/gradus/cli/mnist/train-images-idx3-ubyte.gz"));
    }

    @Test
    void theOldGsonOnTheClassPathIsTheApplicationsOwn() {
        // 2.8.6 added JsonParser.parseString; the library must not need it (nor any gson)
        assertThrows(NoSuchMethodException.class, () -> JsonParser.class.getMethod("parseString", String.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void trainsSavesLoadsAndPredicts(String backendName, @TempDir Path dir) throws IOException {
        Backend backend = Backend.named(backendName);
        Path file = dir.resolve("xor.safetensors");
        float[] trained;
        try (Network net = Network.mlp(backend, new int[] {2, 16, 2}, Activation.TANH, Loss.CROSS_ENTROPY, 7);
             Optimizer adam = new Adam(net, AdamConfig.adam(0.05f));
             Tensor x = Tensor.of(4, 2, X)) {
            Labels y = Labels.of(Y);
            float first = Float.NaN;
            float loss = Float.NaN;
            for (int step = 0; step < 300; step++) {
                net.zeroGrad();
                loss = net.forward(x, y);
                net.backward();
                adam.step();
                if (step == 0) {
                    first = loss;
                }
            }
            assertTrue(loss < 0.05f && loss < first / 10, backendName + ": loss fell from " + first + " to " + loss);
            trained = values(net.predict(x));
            assertArrayEquals(Y, classes(trained), backendName + ": XOR learnt");
            ModelFile.save(file, net, Map.of("trained-by", "gradus-consumer"));
        }

        // the application's own JSON library reads the file's header: gradus-model/1 metadata
        JsonObject metadata = header(file).getAsJsonObject("__metadata__");
        assertEquals("gradus-model/1", metadata.get("format").getAsString());
        assertEquals("gradus-consumer", metadata.get("trained-by").getAsString());

        try (ModelFile.Loaded loaded = ModelFile.load(file, backend); Tensor x = Tensor.of(4, 2, X)) {
            assertEquals("gradus-consumer", loaded.info().get("trained-by"));
            float[] predicted = values(loaded.network().predict(x));
            assertArrayEquals(trained, predicted, backendName + ": the loaded model predicts as the trained one, bit for bit");
        }
    }

    private static float[] values(Tensor t) {
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.get(i);
        }
        return v;
    }

    private static int[] classes(float[] rowsOfTwo) {
        int[] c = new int[rowsOfTwo.length / 2];
        for (int r = 0; r < c.length; r++) {
            c[r] = rowsOfTwo[2 * r + 1] > rowsOfTwo[2 * r] ? 1 : 0;
        }
        return c;
    }

    /** The safetensors header: an 8-byte little-endian length, then that many bytes of JSON. */
    private static JsonObject header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(bytes, 8, length, StandardCharsets.UTF_8);
        return new JsonParser().parse(json).getAsJsonObject();   // 2.8.5's API (an instance method)
    }
}
