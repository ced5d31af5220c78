/** The {@code tcp} probe of SPEC §1: TCP connect time over repeated attempts. */
package io.waddleperf.probes.tcp;
