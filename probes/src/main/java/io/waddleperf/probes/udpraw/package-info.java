/** The {@code udp_raw} probe: one datagram out, and whether and when any reply came back. */
package io.waddleperf.probes.udpraw;
