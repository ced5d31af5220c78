/**
 * Path probes: traceroute (ICMP echo, UDP and TCP SYN probes with rising TTL / hop limit), mtr (repeated cycles with
 * mtr's report columns and rate-limiting-aware loss labels) and the service traces (http_trace, tcp_trace,
 * udp_trace: a trace toward the service port, then one request). Built on the native socket layer
 * {@link io.waddleperf.net}: replies from routers come from the socket error queue ({@code IP_RECVERR}).
 */
package io.waddleperf.probes.trace;
