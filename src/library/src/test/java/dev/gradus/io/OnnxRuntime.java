// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime for the tests: loads a model's bytes, runs it on one float input, returns every output. */
final class OnnxRuntime implements AutoCloseable {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntime(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);   // the machine's cores are shared by the test run
            session = ENV.createSession(model, options);
        }
    }

    /** Every output for input {@code x} of shape [rows, cols], row-major, by output name. */
    Map<String, float[]> run(String input, float[] x, int rows, int cols) throws OrtException {
        return run(input, x, new long[] {rows, cols});
    }

    /** Every output for input {@code x} of shape {@code shape} ([N, C, H, W] for images), row-major, by output name. */
    Map<String, float[]> run(String input, float[] x, long[] shape) throws OrtException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), shape);
             OrtSession.Result r = session.run(Map.of(input, t))) {
            for (Map.Entry<String, OnnxValue> e : r) {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] values = new float[b.remaining()];
                b.get(values);
                out.put(e.getKey(), values);
            }
        }
        return out;
    }

    Map<String, NodeInfo> inputs() throws OrtException { return session.getInputInfo(); }

    Map<String, NodeInfo> outputs() throws OrtException { return session.getOutputInfo(); }

    OnnxModelMetadata metadata() throws OrtException { return session.getMetadata(); }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
