/** The {@code tcp} probe: TCP connect time over repeated attempts. */
package io.waddleperf.probes.tcp;
