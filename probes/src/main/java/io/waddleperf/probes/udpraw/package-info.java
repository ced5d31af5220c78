/** The {@code udp_raw} probe of SPEC §1: one datagram out, and whether and when any reply came back. */
package io.waddleperf.probes.udpraw;
