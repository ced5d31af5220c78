package io.waddleperf.probes.tls;

/** Every {@link TlsProberTest} case with the handshake on the JDK's TLS ({@code tls_library=jsse}). */
class TlsProberJsseTest extends TlsProberTest {

    @Override
    String library() {
        return "jsse";
    }

    @Override
    String libraryReported() {
        return "jsse";
    }
}
