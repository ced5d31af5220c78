/**
 * Certificates and keys for TLS peers: {@link io.waddleperf.tls.CertificateMaker} makes CAs and server
 * certificates (signed by a CA or self-signed), {@link io.waddleperf.tls.TlsCredentials} holds a key with its
 * chain, reads and writes PEM and builds key stores and SSL contexts, {@link io.waddleperf.tls.SelfSignedCertificate}
 * keeps a server's self-signed certificate in its data folder. Used by the test server and the manager (their HTTPS
 * listeners), by tests (TLS peers on loopback) and by anything that runs its own CA. Depends only on the JDK,
 * Bouncy Castle and the SLF4J API.
 */
package io.waddleperf.tls;
