// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import java.nio.FloatBuffer;

/**
 * Batch and layer normalization as the loops of their definitions, in double: the oracle. A batchnorm
 * input is n samples of c channels of s values; a layernorm input is groups of d values.
 */
final class Norms {
    private Norms() {}

    static void batchForward(FloatBuffer y, FloatBuffer stats, FloatBuffer rmean, FloatBuffer rvar, FloatBuffer x,
                             FloatBuffer gamma, FloatBuffer beta, double eps, double momentum, boolean training,
                             int n, int c, int s) {
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double mean;
            double invstd;
            if (training) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    for (int j = 0; j < s; j++) {
                        sum += x.get((k * c + ch) * s + j);
                    }
                }
                mean = sum / m;
                double sq = 0;
                for (int k = 0; k < n; k++) {
                    for (int j = 0; j < s; j++) {
                        double d = x.get((k * c + ch) * s + j) - mean;
                        sq += d * d;
                    }
                }
                invstd = 1 / Math.sqrt(sq / m + eps);
                rmean.put(ch, (float) (momentum * mean + (1 - momentum) * rmean.get(ch)));
                rvar.put(ch, (float) (momentum * (sq / (m - 1)) + (1 - momentum) * rvar.get(ch)));
            } else {
                mean = rmean.get(ch);
                invstd = 1 / Math.sqrt(rvar.get(ch) + eps);
            }
            stats.put(ch, (float) mean);
            stats.put(c + ch, (float) invstd);
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < s; j++) {
                    int i = (k * c + ch) * s + j;
                    y.put(i, (float) ((x.get(i) - mean) * invstd * gamma.get(ch) + beta.get(ch)));
                }
            }
        }
    }

    static void batchBackward(FloatBuffer dx, FloatBuffer dgamma, FloatBuffer dbeta, FloatBuffer dy, FloatBuffer x,
                              FloatBuffer stats, FloatBuffer gamma, boolean training, int n, int c, int s) {
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double mean = stats.get(ch);
            double invstd = stats.get(c + ch);
            double sdy = 0;
            double sdyx = 0;
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < s; j++) {
                    int i = (k * c + ch) * s + j;
                    sdy += dy.get(i);
                    sdyx += dy.get(i) * ((x.get(i) - mean) * invstd);
                }
            }
            dbeta.put(ch, (float) (dbeta.get(ch) + sdy));
            dgamma.put(ch, (float) (dgamma.get(ch) + sdyx));
            if (dx == null) {
                continue;
            }
            // x̂ = (x − μ)·invstd with μ and σ² functions of the batch (training) or constants (eval)
            double mdy = training ? sdy / m : 0;
            double mdyx = training ? sdyx / m : 0;
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < s; j++) {
                    int i = (k * c + ch) * s + j;
                    double xhat = (x.get(i) - mean) * invstd;
                    dx.put(i, (float) (gamma.get(ch) * invstd * (dy.get(i) - mdy - xhat * mdyx)));
                }
            }
        }
    }

    static void layerForward(FloatBuffer y, FloatBuffer stats, FloatBuffer x, FloatBuffer gamma, FloatBuffer beta,
                             double eps, int groups, int d) {
        for (int g = 0; g < groups; g++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                sum += x.get(g * d + j);
            }
            double mean = sum / d;
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double v = x.get(g * d + j) - mean;
                sq += v * v;
            }
            double rstd = 1 / Math.sqrt(sq / d + eps);
            stats.put(g, (float) mean);
            stats.put(groups + g, (float) rstd);
            for (int j = 0; j < d; j++) {
                y.put(g * d + j, (float) ((x.get(g * d + j) - mean) * rstd * gamma.get(j) + beta.get(j)));
            }
        }
    }

    static void layerBackward(FloatBuffer dx, FloatBuffer dgamma, FloatBuffer dbeta, FloatBuffer dy, FloatBuffer x,
                              FloatBuffer stats, FloatBuffer gamma, int groups, int d) {
        double[] dg = new double[d];
        double[] db = new double[d];
        for (int g = 0; g < groups; g++) {
            double mean = stats.get(g);
            double rstd = stats.get(groups + g);
            double sg = 0;
            double sgx = 0;
            for (int j = 0; j < d; j++) {
                int i = g * d + j;
                double xhat = (x.get(i) - mean) * rstd;
                double gj = (double) dy.get(i) * gamma.get(j);
                sg += gj;
                sgx += gj * xhat;
                dg[j] += dy.get(i) * xhat;
                db[j] += dy.get(i);
            }
            if (dx != null) {
                double mg = sg / d;
                double mgx = sgx / d;
                for (int j = 0; j < d; j++) {
                    int i = g * d + j;
                    double xhat = (x.get(i) - mean) * rstd;
                    dx.put(i, (float) (rstd * ((double) dy.get(i) * gamma.get(j) - mg - xhat * mgx)));
                }
            }
        }
        for (int j = 0; j < d; j++) {
            dgamma.put(j, (float) (dgamma.get(j) + dg[j]));
            dbeta.put(j, (float) (dbeta.get(j) + db[j]));
        }
    }
}
