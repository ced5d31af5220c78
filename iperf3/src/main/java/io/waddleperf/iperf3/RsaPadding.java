package io.waddleperf.iperf3;

/**
 * The RSA padding an iperf3 auth token is encrypted with. iperf3 up to 3.16 always used PKCS#1 v1.5
 * ({@code RSA_PKCS1_PADDING} in {@code encrypt_rsa_message}, {@code src/iperf_auth.c} @ 3.12); 3.17 switched the
 * default to OAEP for CVE-2024-26306 and kept v1.5 behind {@code --use-pkcs1-padding} (esnet/iperf commit 299b356d).
 * Nothing on the wire says which one a client used.
 */
public enum RsaPadding {
    /** PKCS#1 v1.5 encryption padding (RFC 8017 §7.2), what 3.12 clients send. */
    PKCS1_V1_5("RSA/ECB/PKCS1Padding"),
    /** OAEP with SHA-1 and MGF1-SHA-1, OpenSSL's {@code RSA_PKCS1_OAEP_PADDING} (RFC 8017 §7.1), 3.17+ default. */
    OAEP("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");

    private final String transformation;

    RsaPadding(String transformation) {
        this.transformation = transformation;
    }

    /** The JCA cipher transformation for this padding. */
    public String transformation() {
        return transformation;
    }
}
