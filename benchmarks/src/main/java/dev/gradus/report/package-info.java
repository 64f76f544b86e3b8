// SPDX-License-Identifier: Apache-2.0
/**
 * The benchmark report: reads JMH JSON results ({@code -rf json}), the {@code RESULT {...}} lines of the
 * epoch runner and of {@code torch_mlp.py}, and the {@code MACHINE {...}} line, and writes a Markdown
 * report with SVG charts. {@link dev.gradus.report.ReportMain} is the command
 * ({@code java -cp benchmarks/target/benchmarks.jar dev.gradus.report.ReportMain --help}); {@link dev.gradus.report.Report}
 * is the same as an API.
 */
package dev.gradus.report;
