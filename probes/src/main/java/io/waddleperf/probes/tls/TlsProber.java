package io.waddleperf.probes.tls;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.TlsSpec;
import io.waddleperf.probes.Attempts;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.trust.TlsTrust;
import io.waddleperf.probes.trust.TlsWarmup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The {@code tls} prober: resolves once, then per attempt times the TCP connect ({@code connect_ms})
 * and, separately, the TLS handshake ({@code tls_ms}) around {@code startHandshake()} itself, so the handshake
 * time is the handshake's and not the time until someone looked (the original WaddlePerf timed it after it finished).
 *
 * <p>Each attempt is a full handshake with a fresh {@link SSLContext}, so no attempt is a shortened session
 * resumption and every one sees and verifies the certificate. Trust is {@link TlsTrust}'s, shared with the other
 * TLS probes: the JDK's default trust store plus the spec's PEM {@code ca_file}, and its failure reasons; the
 * server name (SNI, and the name the certificate must match) is {@code spec.serverName()}. The JDK's PKIX and hostname checks run on every chain; with {@code verify=true} a
 * failure aborts the handshake and fails the attempt as {@code tls_error: <reason>}, with {@code verify=false}
 * the handshake proceeds and the outcome is only reported. Either way {@code raw_results.verified} (and
 * {@code verify_reason} when false), the certificate's subject, issuer and validity, and
 * {@code cert_days_left} are filled from the first chain seen.
 *
 * <p>Outcome rule as in the {@code tcp} probe: success when at least one attempt completed its handshake,
 * otherwise the first attempt's error; {@code latency_ms} and its statistics are connect plus handshake, the
 * time to a usable TLS session.
 */
public final class TlsProber implements Prober<TlsSpec> {

    public static final TlsProber INSTANCE = new TlsProber();

    private static final long SECONDS_PER_DAY = 86_400;

    private TlsProber() {
    }

    @Override
    public void probe(TlsSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        boolean openssl = TlsLibrary.useOpenSsl(spec.library(), result);
        String caFile = spec.tlsClient().caFile();
        X509ExtendedTrustManager trust = null;
        if (openssl) {
            if (caFile != null) {
                TlsTrust.caCertificates(caFile); // the same invalid_target failures as the JDK path's trust
            }
        } else {
            trust = trustOf(caFile);
        }
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        InetSocketAddress remote = new InetSocketAddress(address, spec.endpoint().port());
        String serverName = spec.serverName() == null ? spec.endpoint().host() : spec.serverName();
        if (!openssl) {
            // Untimed, and no traffic to the target: the first attempt's handshake is to measure the network, not
            // the JVM loading and interpreting its TLS stack (TlsWarmup). The OpenSSL path warms only its downcalls.
            TlsWarmup.handshakes(TlsWarmup.ROUNDS, trust);
        }

        Samples connect = new Samples(spec.count());
        Samples handshake = new Samples(spec.count());
        Samples total = new Samples(spec.count());
        Exception firstFailure = null;
        boolean certificateReported = false;
        List<Map<String, Object>> attempts = new ArrayList<>();
        OpenSslClient client = openssl ? OpenSslClient.open(caFile, spec.tlsClient().verify()) : null;
        if (client != null) {
            client.warmUp(context);
        }
        long startNanos = context.clock().nanos();
        try {
            for (int i = 0; i < spec.count(); i++) {
                Attempts.awaitSlot(context, startNanos, i, spec.interval());
                RecordingTrustManager recorder = openssl ? null : new RecordingTrustManager(trust, spec.tlsClient().verify());
                OpenSslClient.Seen seen = openssl ? new OpenSslClient.Seen() : null;
                SeenCertificate certificate = openssl ? seen : recorder;
                Map<String, Object> attempt = new LinkedHashMap<>();
                attempt.put("attempt", i + 1);
                try {
                    OpenSslClient.Session session = openssl
                            ? client.attempt(context, remote, serverName, spec.timeout(), attempt, seen)
                            : attempt(spec, context, remote, serverName, recorder, attempt);
                    double connectMs = (Double) attempt.get("connect_ms");
                    double tlsMs = (Double) attempt.get("tls_ms");
                    handshake.add(tlsMs);
                    total.add(Attempts.round(connectMs + tlsMs));
                    result.tlsVersion(session.protocol()).raw("cipher", session.cipher());
                    attempt.put("success", true);
                } catch (Exception e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw e;
                    }
                    Exception failure = spec.tlsClient().verify() && certificate.failureReason() != null
                            ? new ProbeException(ErrorKind.TLS_ERROR, certificate.failureReason(), e) : e;
                    firstFailure = firstFailure == null ? failure : firstFailure;
                    attempt.put("success", false);
                    attempt.put("error", Failures.classify(failure).describe());
                }
                if (attempt.get("connect_ms") instanceof Double ms) {
                    connect.add(ms);
                }
                attempts.add(attempt);
                if (!certificateReported && certificate.chain() != null) {
                    reportCertificate(certificate, context, result);
                    certificateReported = true;
                }
                result.packetsSent((long) (i + 1)).packetsReceived((long) handshake.size())
                        .packetLossPercent(Attempts.lossPercent(i + 1, handshake.size()));
            }
        } finally {
            if (client != null) {
                client.close();
            }
            result.raw("server_name", serverName);
            result.raw("attempts", List.copyOf(attempts));
            result.connectMs(Attempts.mean(connect.values()));
            result.tlsMs(Attempts.mean(handshake.values()));
            Attempts.putLatencyStats(result, total.values());
        }
        if (handshake.size() == 0) {
            throw firstFailure;
        }
    }

    /** One connect plus handshake; fills {@code connect_ms} and {@code tls_ms} into {@code attempt} as they happen. */
    private static OpenSslClient.Session attempt(TlsSpec spec, ProbeContext context, InetSocketAddress remote, String serverName,
                                      RecordingTrustManager recorder, Map<String, Object> attempt) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {recorder}, null);
        long budgetNanos = spec.timeout().toNanos();
        Socket plain = new Socket();
        try {
            long t0 = context.clock().nanos();
            plain.connect(remote, ProbeContext.millis(spec.timeout()));
            long connectNanos = context.clock().nanos() - t0;
            // A handshake flight written in several records must not wait for the ACK of the first (Nagle's
            // algorithm against the server's delayed ACK: 40 ms on Linux); curl and browsers send without delay too.
            plain.setTcpNoDelay(true);
            attempt.put("connect_ms", Attempts.millis(connectNanos));
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, serverName, remote.getPort(), true)) {
                // RFC 2818 §3.1 / RFC 6125 identity check, done by the trust manager for both verify modes.
                TlsTrust.identify(socket, serverName);
                socket.setSoTimeout(ProbeContext.millis(Duration.ofNanos(Math.max(1_000_000, budgetNanos - connectNanos))));
                long t1 = context.clock().nanos();
                socket.startHandshake();
                long tlsNanos = context.clock().nanos() - t1;
                attempt.put("tls_ms", Attempts.millis(tlsNanos));
                SSLSession session = socket.getSession();
                return new OpenSslClient.Session(session.getProtocol(), session.getCipherSuite());
            }
        } finally {
            plain.close();
        }
    }

    /** The shared PKIX trust (system anchors plus {@code caFile}), unwrapped: this probe records before it enforces. */
    private static X509ExtendedTrustManager trustOf(String caFile) throws ProbeException {
        try {
            return TlsTrust.pkix(caFile);
        } catch (java.security.GeneralSecurityException e) {
            throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up trust: " + e.getMessage(), e);
        }
    }

    private static void reportCertificate(SeenCertificate recorder, ProbeContext context, ProbeResult.Builder result) {
        X509Certificate leaf = recorder.chain()[0];
        Instant notAfter = leaf.getNotAfter().toInstant();
        // Whole days left, rounded down: an expired certificate shows a negative count from its first hour on.
        long secondsLeft = Duration.between(Instant.now(context.wallClock()), notAfter).getSeconds();
        result.certDaysLeft((int) Math.floorDiv(secondsLeft, SECONDS_PER_DAY))
                .raw("cert_subject", leaf.getSubjectX500Principal().getName())
                .raw("cert_issuer", leaf.getIssuerX500Principal().getName())
                .raw("cert_not_before", leaf.getNotBefore().toInstant().toString())
                .raw("cert_not_after", notAfter.toString())
                .raw("cert_chain_length", recorder.chain().length)
                .raw("verified", recorder.failureReason() == null);
        if (recorder.failureReason() != null) {
            result.raw("verify_reason", recorder.failureReason());
        }
    }

    /** Millisecond samples of the attempts that got that far. */
    private static final class Samples {
        private final double[] values;
        private int size;

        Samples(int capacity) {
            values = new double[capacity];
        }

        void add(double ms) {
            values[size++] = ms;
        }

        int size() {
            return size;
        }

        double[] values() {
            return Arrays.copyOf(values, size);
        }
    }
}
