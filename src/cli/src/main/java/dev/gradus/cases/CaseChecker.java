// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import dev.gradus.Labels;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Buffer;
import dev.gradus.nn.Network;
import dev.gradus.nn.Parameter;
import dev.gradus.optim.Optimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@code gradus-case/1} and {@code gradus-case/2} reference cases on a backend. For each case: build
 * the network from {@code layers} (for the input shape of {@code x}), set {@code params}, then check the
 * output, the loss and every gradient of one training-mode forward; then run {@code train.steps} steps
 * (zero the gradients, forward, backward, optimizer step), checking each step's loss against
 * {@code train.losses}, the parameters after the last step against {@code train.params_after} (and the
 * buffers, set from {@code buffers} first, against {@code train.buffers_after}), and the
 * eval-mode output after training against {@code train.eval_output} when the case has one. Each value passes when {@code |got − want| <= atol + rtol·|want|} with
 * the case's own tolerance. The first failure is reported with the quantity, the element, got and want.
 */
public final class CaseChecker {
    private CaseChecker() {}

    /** Checks one case file; an unreadable or malformed file is a failed result saying why, not an exception. */
    public static CaseResult check(Path file, Backend backend) {
        String fallbackName = file.getFileName().toString();
        ReferenceCase c;
        try {
            c = ReferenceCase.read(file);
        } catch (IOException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            return new CaseResult(fallbackName, file, false, "cannot read " + file + ": " + e.getMessage(), 0);
        }
        try {
            return run(c, file, backend);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new CaseResult(c.name(), file, false, "cannot run: " + e.getMessage(), 0);
        }
    }

    /**
     * Checks every {@code *.json} file of {@code dir} (not README or other files), in name order.
     *
     * @throws IllegalArgumentException if {@code dir} is not a directory or holds no case
     */
    public static List<CaseResult> checkDirectory(Path dir, Backend backend) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("case directory " + dir + " does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list case directory " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("case directory " + dir + " holds no *.json case");
        }
        List<CaseResult> results = new ArrayList<>();
        for (Path f : files) {
            results.add(check(f, backend));
        }
        return results;
    }

    /** Prints a line per result and {@code N passed, N failed}; returns the number failed. */
    public static int print(List<CaseResult> results, PrintStream out) {
        int failed = 0;
        for (CaseResult r : results) {
            out.println(r.line());
            if (!r.passed()) {
                failed++;
            }
        }
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        return failed;
    }

    private static CaseResult run(ReferenceCase c, Path file, Backend backend) {
        Comparison cmp = new Comparison(c.rtol(), c.atol());
        try (Network net = c.input() == null ? new Network(backend, c.layers(), c.loss(), 0L)
                : new Network(backend, c.input(), c.layers(), c.loss(), 0L);
             Tensor x = Tensor.of(c.x().rows(), c.x().cols(), c.x().floats());
             Tensor target = c.target() == null ? null : Tensor.of(c.target().rows(), c.target().cols(), c.target().floats());
             Labels labels = c.labels() == null ? null : Labels.of(c.labels())) {
            setParameters(net, c.params());
            setBuffers(net, c.buffers());
            List<float[]> valuesBefore = new ArrayList<>();   // null for a counter
            long[] countsBefore = new long[net.buffers().size()];
            for (int k = 0; k < countsBefore.length; k++) {
                Buffer b = net.buffers().get(k);
                valuesBefore.add(b.isCounter() ? null : b.value().toArray());
                countsBefore[k] = b.isCounter() ? b.count() : 0;
            }
            net.zeroGrad();
            double loss = forward(net, x, target, labels);
            cmp.values("output", net.output().toArray(), c.output().data());
            cmp.value("loss", loss, c.lossValue());
            net.backward();
            for (Parameter p : net.parameters()) {
                cmp.values("grad " + p.name(), p.grad().toArray(), want(c.grads(), p, "expect.grads").data());
            }
            if (cmp.failure == null) {
                for (int k = 0; k < countsBefore.length; k++) {   // training starts again from them: the forward moved them
                    Buffer b = net.buffers().get(k);
                    if (b.isCounter()) {
                        b.setCount(countsBefore[k]);
                    } else {
                        b.value().copyFrom(valuesBefore.get(k));
                    }
                }
                train(c, net, x, target, labels, cmp);
            }
        }
        return new CaseResult(c.name(), file, cmp.failure == null, cmp.failure, cmp.checked);
    }

    private static void train(ReferenceCase c, Network net, Tensor x, Tensor target, Labels labels, Comparison cmp) {
        if (c.losses().length != c.steps()) {
            throw new IllegalArgumentException("train.losses has " + c.losses().length + " values for "
                    + c.steps() + " steps");
        }
        try (Optimizer opt = CaseOptimizers.create(c.optimizer(), net)) {
            for (int step = 0; step < c.steps() && cmp.failure == null; step++) {
                net.zeroGrad();
                double loss = forward(net, x, target, labels);
                cmp.value("train loss before step " + step, loss, c.losses()[step]);
                net.backward();
                opt.step();
            }
        }
        for (Parameter p : net.parameters()) {
            cmp.values("param after training " + p.name(), p.value().toArray(),
                    want(c.paramsAfter(), p, "train.params_after").data());
        }
        if (!c.buffersAfter().isEmpty()) {
            for (Buffer b : net.buffers()) {
                ReferenceCase.Array want = want(c.buffersAfter(), b, "train.buffers_after");
                if (b.isCounter()) {
                    cmp.value("buffer after training " + b.name(), b.count(), want.data()[0]);
                } else {
                    cmp.values("buffer after training " + b.name(), b.value().toArray(), want.data());
                }
            }
        }
        if (c.evalOutput() != null && cmp.failure == null) {
            // predict runs in eval mode: no dropout, batchnorm's running statistics
            cmp.values("eval output after training", net.predict(x).toArray(), c.evalOutput().data());
        }
    }

    private static double forward(Network net, Tensor x, Tensor target, Labels labels) {
        return labels != null ? net.forward(x, labels) : net.forward(x, target);
    }

    static void setParameters(Network net, Map<String, ReferenceCase.Array> params) {
        for (Parameter p : net.parameters()) {
            p.value().copyFrom(want(params, p, "params").floats());
        }
        for (String name : params.keySet()) {
            net.parameter(name);   // throws when the case names a parameter the network does not have
        }
    }

    /** Sets every buffer from the case's (a case without buffers keeps PyTorch's initial ones). */
    static void setBuffers(Network net, Map<String, ReferenceCase.Array> buffers) {
        if (buffers.isEmpty()) {
            return;
        }
        for (Buffer b : net.buffers()) {
            ReferenceCase.Array a = want(buffers, b, "buffers");
            if (b.isCounter()) {
                double v = a.data()[0];
                if (v != Math.rint(v) || v < 0) {
                    throw new IllegalArgumentException("buffers " + b.name() + " is " + v + ", not a count");
                }
                b.setCount((long) v);
            } else {
                b.value().copyFrom(a.floats());
            }
        }
        for (String name : buffers.keySet()) {
            net.buffer(name);   // throws when the case names a buffer the network does not have
        }
    }

    private static ReferenceCase.Array want(Map<String, ReferenceCase.Array> m, Parameter p, String field) {
        return want(m, p.name(), p.shape(), "parameter", field);
    }

    private static ReferenceCase.Array want(Map<String, ReferenceCase.Array> m, Buffer b, String field) {
        return want(m, b.name(), b.shape(), "buffer", field);
    }

    private static ReferenceCase.Array want(Map<String, ReferenceCase.Array> m, String name, int[] shape, String what,
                                            String field) {
        ReferenceCase.Array a = m.get(name);
        if (a == null) {
            throw new IllegalArgumentException(field + " lacks " + what + " " + name);
        }
        if (!java.util.Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(field + " " + name + " has shape " + java.util.Arrays.toString(a.shape())
                    + ", the network's is " + java.util.Arrays.toString(shape));
        }
        return a;
    }

    /** Element-wise comparison keeping the first failure. */
    private static final class Comparison {
        private final double rtol;
        private final double atol;
        String failure;
        int checked;

        Comparison(double rtol, double atol) {
            this.rtol = rtol;
            this.atol = atol;
        }

        void value(String what, double got, double want) {
            if (failure == null) {
                checked++;
                if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) {
                    failure = describe(what, got, want);
                }
            }
        }

        void values(String what, float[] got, double[] want) {
            if (failure != null) {
                return;
            }
            if (got.length != want.length) {
                failure = what + ": " + got.length + " values, want " + want.length;
                return;
            }
            for (int i = 0; i < got.length; i++) {
                checked++;
                if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
                    failure = describe(what + "[" + i + "]", got[i], want[i]);
                    return;
                }
            }
        }

        private String describe(String what, double got, double want) {
            return String.format(Locale.ROOT, "%s: got %.9g, want %.9g (|diff| %.3g > atol %.3g + rtol %.3g·|want|)",
                    what, got, want, Math.abs(got - want), atol, rtol);
        }
    }
}
