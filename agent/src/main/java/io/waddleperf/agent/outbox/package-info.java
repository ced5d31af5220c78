/**
 * The outbox: every result is written durably to a local spool (length- and CRC-framed, append-only segment files,
 * fsync'd) before anything else, then delivered to each sink from that sink's own cursor; a result leaves the spool
 * only when every sink has it. The {@link io.waddleperf.agent.outbox.Sink} interface is what a destination
 * implements.
 */
package io.waddleperf.agent.outbox;
