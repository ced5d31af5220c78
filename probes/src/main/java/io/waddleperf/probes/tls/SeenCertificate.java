package io.waddleperf.probes.tls;

import java.security.cert.X509Certificate;

/** What one attempt saw of the server's certificate, whichever library made the handshake. */
interface SeenCertificate {

    /** The chain the server presented, leaf first; null when the handshake ended before it arrived. */
    X509Certificate[] chain();

    /** Why verification failed; null when it passed or did not run. */
    String failureReason();
}
