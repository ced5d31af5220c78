package io.waddleperf.core.autoperf;

/** Whether a probe loads the link (runs alone) or only measures latency (runs beside others). */
public enum ProbeKind { LATENCY, THROUGHPUT }
