/** The {@code tls} probe of SPEC §1: TCP connect and TLS handshake timed separately, certificate and verification details. */
package io.waddleperf.probes.tls;
