// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.train.EpochResult;
import dev.gradus.train.TrainingListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

    private static String run(ProgressListener.Style style) {
        StringWriter s = new StringWriter();
        ProgressListener p = new ProgressListener(new PrintWriter(s), style);
        p.onStart(new TrainingListener.Plan(2, 0, 4, 16, 64, 10));
        for (int e = 0; e < 2; e++) {
            p.onEpochStart(e);
            for (int i = 0; i < 4; i++) {
                p.onStep(e, i, e * 4L + i, 0.5f, 16);
            }
            p.onEpochEnd(new EpochResult(e, 4L * (e + 1), 0.5, 0.75, 0.6, 0.7, 0.25, 256, 0.1f));
        }
        return s.toString();
    }

    @Test
    void terminalGetsABarWithStepsLossSpeedAndEta() {
        String out = run(ProgressListener.Style.BAR);
        assertTrue(out.contains("\repoch 1/2 [============================] 4/4  loss 0.5000"), out);
        assertTrue(out.contains("samples/s  ETA 0:00"), out);
        assertTrue(out.contains("\r\033[2Kepoch 2/2  loss 0.5000  acc 75.00%  val loss 0.6000  val acc 70.00%"), out);
    }

    @Test
    void plainOutputGetsOneLinePerEpochAndNoControlCharacters() {
        String out = run(ProgressListener.Style.LINES);
        assertEquals(3, out.lines().count(), out);
        assertTrue(out.lines().skip(1).allMatch(l -> l.startsWith("epoch ")), out);
        assertTrue(out.chars().noneMatch(c -> c == '\r' || c == 033), out);
    }

    @Test
    void etaIsAClock() {
        assertEquals("0:07", ProgressListener.clock(7.4));
        assertEquals("2:05", ProgressListener.clock(125));
        assertEquals("1:00:00", ProgressListener.clock(3600));
    }
}
