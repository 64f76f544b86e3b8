// SPDX-License-Identifier: Apache-2.0
package dev.gradus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Loss;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.data.Dataset;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metrics that fit each loss, against values worked out by hand (the examples of scikit-learn's
 * documentation, checked with numpy: {@code ((yp-yt)**2).mean(0)}, {@code 1-SSres/SStot}).
 */
class EvaluationMetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void regressionMetricsMatchScikitLearnsExamples() {
        // mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.375; mae 0.5; r2 0.9486081370449679
        Evaluation one = Evaluation.regression(1);
        float[] yt = {3f, -0.5f, 2f, 7f};
        float[] yp = {2.5f, 0f, 2f, 8f};
        for (int i = 0; i < yt.length; i++) {
            one.addRegression(new float[] {yt[i]}, new float[] {yp[i]});
        }
        assertEquals(Evaluation.Kind.REGRESSION, one.kind());
        assertEquals(0.375, one.mse(0), EPS);
        assertEquals(Math.sqrt(0.375), one.rmse(0), EPS);
        assertEquals(0.5, one.mae(0), EPS);
        assertEquals(0.9486081370449679, one.r2(0), EPS);
        assertEquals(one.r2(0), one.r2(), 0);

        // y_true [[0.5, 1], [-1, 1], [7, -6]], y_pred [[0, 2], [-1, 2], [8, -5]]: per output and uniform average
        Evaluation two = Evaluation.regression(2);
        two.addRegression(new float[] {0.5f, 1f}, new float[] {0f, 2f});
        two.addRegression(new float[] {-1f, 1f}, new float[] {-1f, 2f});
        two.addRegression(new float[] {7f, -6f}, new float[] {8f, -5f});
        assertEquals(0.4166666666666667, two.mse(0), EPS);
        assertEquals(1.0, two.mse(1), EPS);
        assertEquals(0.7083333333333334, two.mse(), EPS);
        assertEquals((Math.sqrt(5.0 / 12) + 1) / 2, two.rmse(), EPS);   // sklearn averages the per-output RMSEs
        assertEquals(0.75, two.mae(), EPS);
        assertEquals(0.9654377880184332, two.r2(0), EPS);
        assertEquals(0.9081632653061225, two.r2(1), EPS);
        assertEquals(0.9368005266622779, two.r2(), EPS);
        String table = two.regressionTable(List.of("price", "rent"));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("price ")) && table.contains("overall"), table);

        Evaluation constant = Evaluation.regression(1);
        constant.addRegression(new float[] {2f}, new float[] {1f});
        constant.addRegression(new float[] {2f}, new float[] {2f});
        assertTrue(Double.isNaN(constant.r2(0)), "R² of a constant target is undefined");
        assertThrows(IllegalStateException.class, constant::accuracy);
        assertThrows(IllegalArgumentException.class, () -> constant.mse(1));
    }

    @Test
    void binaryMetricsCountThePositiveClassAndRocAucCountsTiesHalf() {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        Evaluation e = Evaluation.binary();
        int[] y = {0, 0, 1, 1};
        double[] p = {0.1, 0.4, 0.35, 0.8};
        for (int i = 0; i < y.length; i++) {
            e.addBinary(y[i], p[i]);
        }
        assertEquals(0.75, e.rocAuc(), EPS);
        assertEquals(0.75, e.accuracy(), EPS);   // predicted 0, 0, 0, 1
        assertEquals(1.0, e.precision(1), EPS);
        assertEquals(0.5, e.recall(1), EPS);
        assertEquals(2.0 / 3, e.f1(1), EPS);

        Evaluation ties = Evaluation.binary();   // positives 0.5, 0.9; negatives 0.5, 0.2: (0.5 + 1 + 2) / 4
        ties.addBinary(0, 0.5);
        ties.addBinary(1, 0.5);
        ties.addBinary(0, 0.2);
        ties.addBinary(1, 0.9);
        assertEquals(0.875, ties.rocAuc(), EPS);
        assertEquals(0.75, ties.accuracy(), EPS);   // 0.5 counts as class 1: only the negative at 0.5 is wrong

        Evaluation onlyOne = Evaluation.binary();
        onlyOne.addBinary(1, 0.7);
        assertTrue(Double.isNaN(onlyOne.rocAuc()));
        assertThrows(IllegalArgumentException.class, () -> onlyOne.addBinary(2, 0.5));
        assertThrows(IllegalStateException.class, onlyOne::mse);
    }

    @Test
    void topKAccuracyCountsTheClassesThatOutrankTheTrueOne() {
        Evaluation e = new Evaluation(List.of("a", "b", "c", "d"));
        e.addScores(0, new float[] {0.9f, 0.1f, 0f, 0f});    // rank 0
        e.addScores(1, new float[] {0.5f, 0.3f, 0.2f, 0f});  // rank 1
        e.addScores(2, new float[] {0.4f, 0.3f, 0.2f, 0.1f}); // rank 2
        e.addScores(3, new float[] {0.25f, 0.25f, 0.25f, 0.25f}); // a tie ranks the lower index first: rank 3
        e.addScores(1, new float[] {0.3f, 0.3f, 0f, 0f});     // tie with class 0: rank 1, predicted 0
        assertEquals(1.0 / 5, e.topKAccuracy(1), EPS);
        assertEquals(e.accuracy(), e.topKAccuracy(1), EPS);
        assertEquals(3.0 / 5, e.topKAccuracy(2), EPS);
        assertEquals(4.0 / 5, e.topKAccuracy(3), EPS);
        assertEquals(1.0, e.topKAccuracy(4), EPS);
        assertEquals(1.0, e.topKAccuracy(50), EPS);
        assertThrows(IllegalArgumentException.class, () -> e.topKAccuracy(0));
        assertThrows(IllegalArgumentException.class, () -> e.addScores(0, new float[] {1f, 2f}));
    }

    /** Evaluation.of picks the metrics of the loss: y = x + 1 (every parameter 1) gives known outputs. */
    @Test
    void ofPicksTheMetricsOfTheLoss() {
        Backend java = Backend.named("java");
        try (Network net = new Network(java, List.of(new DenseSpec(1, 1, Init.constant(1f))), Loss.MSE, 0);
             Dataset d = Dataset.regression(Tensor.of(4, 1, 1.5f, -1f, 1f, 7f), Tensor.of(4, 1, 3f, -0.5f, 2f, 7f))) {
            Evaluation e = Evaluation.of(net, d, 3);
            assertEquals(Evaluation.Kind.REGRESSION, e.kind());
            assertEquals(0.375, e.mse(), EPS);
            assertEquals(0.9486081370449679, e.r2(), EPS);
            assertEquals(0.375, e.loss(), 1e-7);
        }
        // logits -2, 0.5, -0.5, 3 for targets 0, 0, 1, 1: predicted 0, 1, 0, 1; AUC (1 + 0 + 2) / 4
        try (Network net = new Network(java, List.of(new DenseSpec(1, 1, Init.constant(1f))), Loss.BCE_WITH_LOGITS, 0);
             Dataset d = Dataset.regression(Tensor.of(4, 1, -3f, -0.5f, -1.5f, 2f), Tensor.of(4, 1, 0f, 0f, 1f, 1f))) {
            Evaluation e = Evaluation.of(net, d, 2);
            assertEquals(Evaluation.Kind.BINARY, e.kind());
            assertEquals(0.5, e.accuracy(), EPS);
            assertEquals(0.5, e.precision(1), EPS);
            assertEquals(0.5, e.recall(1), EPS);
            assertEquals(0.75, e.rocAuc(), EPS);
            assertTrue(e.loss() > 0 && Double.isFinite(e.loss()));
        }
    }
}
