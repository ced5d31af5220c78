package io.waddleperf.probes.tls;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.probes.ProbeException;

/**
 * Which TLS implementation a probe's handshakes go through, by its {@code tls_library} option: the system's OpenSSL
 * (the library curl and {@code openssl s_client} use, so {@code tls_ms} is the network plus the same crypto they do)
 * or the JDK's TLS (JSSE). Shared by the {@code tls} and {@code http} probes.
 */
public final class TlsLibrary {

    private TlsLibrary() {
    }

    /**
     * Whether this run's handshakes go through OpenSSL ({@code tls_library} {@code auto} when it loads, or
     * {@code openssl}) or the JDK ({@code jsse}, or {@code auto} without OpenSSL); says which in
     * {@code raw_results.tls_library}, and why not OpenSSL in {@code raw_results.openssl_unavailable}.
     */
    public static boolean useOpenSsl(String library, ProbeResult.Builder result) throws ProbeException {
        return useOpenSsl(library, OpenSsl.available() ? null : OpenSsl.problem(), OpenSsl.version(), result);
    }

    /** {@link #useOpenSsl(String, ProbeResult.Builder)} for a given state of OpenSSL: {@code problem} null if usable. */
    static boolean useOpenSsl(String library, String problem, String version, ProbeResult.Builder result)
            throws ProbeException {
        boolean openssl = switch (library) {
            case "jsse" -> false;
            case "openssl" -> {
                if (problem != null) {
                    throw new ProbeException(ErrorKind.INTERNAL_ERROR, "tls_library=openssl, but OpenSSL 3 cannot be used here: "
                            + problem);
                }
                yield true;
            }
            default -> problem == null;
        };
        result.raw("tls_library", openssl ? "openssl " + version : "jsse");
        if (!openssl && "auto".equals(library)) {
            result.raw("openssl_unavailable", problem);
        }
        return openssl;
    }
}
