package io.waddleperf.core.spec;

import java.util.HashSet;
import java.util.Set;

/**
 * How a probe that speaks TLS as a client checks the server: the same two options, with the same meaning, for
 * every such probe ({@code http}, {@code tls}, {@code rpm}, {@code speedtest}).
 *
 * @param caFile a PEM file of extra trust anchors, trusted beside the system ones; null for the system ones only.
 *               It names a file on the machine running the probe, so only local callers may set it.
 * @param verify true: the certificate chain and the host name are checked and a failure fails the probe;
 *               false: the probe measures anyway (and says it did not verify)
 */
public record TlsClientSpec(String caFile, boolean verify) {

    /** System trust anchors, full checks. */
    public static final TlsClientSpec DEFAULT = new TlsClientSpec(null, true);

    /** The option names. */
    static final Set<String> OPTIONS = Set.of("ca_file", "verify");

    public TlsClientSpec {
        if (caFile != null && caFile.isBlank()) {
            throw new InvalidSpecException("ca_file", "is empty; give the path of a PEM file of CA certificates");
        }
    }

    /** A spec's own option names plus these, for {@link Params#of}. */
    static Set<String> withOptions(Set<String> own) {
        Set<String> all = new HashSet<>(own);
        all.addAll(OPTIONS);
        return Set.copyOf(all);
    }

    static TlsClientSpec of(Params p) {
        return new TlsClientSpec(p.string("ca_file", null), p.bool("verify", true));
    }

    /** For probes where TLS is optional: refuses the TLS options when {@code tls} is off, as they would do nothing. */
    static TlsClientSpec ofOptional(Params p, boolean tls, String testType) {
        for (String name : OPTIONS) {
            if (!tls && p.has(name)) {
                throw new InvalidSpecException(name, "applies only with tls=true (a " + testType + " test without TLS checks no certificate)");
            }
        }
        return of(p);
    }
}
