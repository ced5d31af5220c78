/**
 * Data streams of an iperf3 test, shared by our client and server: one thread per stream moving TCP or UDP data from
 * one large direct buffer, rate pacing on a monotonic schedule, the omit period and per-interval sampling.
 */
package io.waddleperf.iperf3.stream;
