/** The {@code tls} probe: TCP connect and TLS handshake timed separately, certificate and verification details. */
package io.waddleperf.probes.tls;
