/**
 * The {@code dns} probe: timed queries to a named resolver over UDP (TCP fallback on truncation) or TCP, with rcode
 * and answers, built on dnsjava's message codec.
 */
package io.waddleperf.probes.dns;
