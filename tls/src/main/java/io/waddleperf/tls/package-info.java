/**
 * Certificates and keys for TLS peers: {@link io.waddleperf.tls.CertificateMaker} makes CAs and server
 * certificates (signed by a CA or self-signed), {@link io.waddleperf.tls.TlsCredentials} holds a key with its
 * chain, reads and writes PEM and builds key stores and SSL contexts. Used by the test server (its self-signed
 * certificate), by tests (TLS peers on loopback) and by anything that runs its own CA. Depends only on the JDK
 * and Bouncy Castle.
 */
package io.waddleperf.tls;
