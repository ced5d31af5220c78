/**
 * The {@code http} probe: HTTP(S) requests over OkHttp with per-phase times from its {@code EventListener}
 * (dns, connect, tls, request, first byte, transfer, total), the protocol actually negotiated, and redirects.
 */
package io.waddleperf.probes.http;
