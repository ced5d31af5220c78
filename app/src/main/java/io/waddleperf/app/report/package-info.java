/**
 * Terminal reports of results: one {@link io.waddleperf.app.report.Report} per probe type, written the way the tool
 * people know for that measurement writes it (ping, mtr, traceroute, curl, dig, iperf3, openssl), with shared
 * {@link io.waddleperf.app.report.Units} (humanised, rounded to what a figure can mean), aligned tables and
 * {@link io.waddleperf.app.report.Style} (colour only on a terminal, never with {@code NO_COLOR}); and the progress
 * lines of long probes ({@link io.waddleperf.app.report.ProgressPrinter}).
 */
package io.waddleperf.app.report;
