package io.waddleperf.probes.ssh;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The {@code ssh} probe: TCP connect time, the server's identification line ({@code server_version}),
 * key exchange time and the host key's type and SHA-256 fingerprint; with credentials also the authentication
 * time, {@code count} echo round trips over one open session (sshping's method: a remote {@code cat} sends back
 * each line written to it) and an upload rate (bytes streamed into a remote {@code cat > /dev/null}).
 *
 * <p>Timeline, all from one monotonic clock: {@code connect_ms} is the TCP handshake; {@code raw_results.banner_ms}
 * runs from TCP connected to the server's identification; {@code raw_results.kex_ms} from that identification to
 * the server's first {@code SSH_MSG_NEWKEYS} (RFC 4253 §7.3, host key verified); {@code raw_results.auth_ms} the
 * user authentication (RFC 4252); {@code total_time_ms} from the start of the TCP connect until the session was
 * usable (keys established, or authenticated when credentials were given). The handshake (to authentication)
 * has {@code timeout}; the echo and upload phase has another {@code timeout}.
 *
 * <p>Host keys are accepted whatever they are and reported, never trusted or stored: this is a measurement, and
 * the credentials it may send are the probe's own.
 */
public final class SshProber implements Prober<SshSpec> {

    public static final SshProber INSTANCE = new SshProber();

    /** The client part of our identification line (RFC 4253 §4.2), so server logs name the probe. */
    static final String CLIENT_SOFTWARE = "WaddlePerf_probe";
    /** Used for the SSH connection when the target names no user and no authentication follows. */
    static final String ANONYMOUS_USER = "waddleperf";

    private SshProber() {
    }

    @Override
    public void probe(SshSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        MonotonicClock clock = context.clock();
        KeyPair userKey = spec.keyFile() == null ? null : SshKeyFiles.load(spec.keyFile());
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        SshHandshake handshake = new SshHandshake(clock);
        SshClient client = newClient(spec.timeout(), handshake, spec.cipher());
        client.start();
        try {
            long deadline = System.nanoTime() + spec.timeout().toNanos();
            long startNanos = clock.nanos();
            String user = spec.user() == null ? ANONYMOUS_USER : spec.user();
            ConnectFuture connect = client.connect(user, new InetSocketAddress(address, spec.endpoint().port()));
            try (ClientSession session = awaitSession(connect, deadline)) {
                result.connectMs(ms(handshake.connectedNanos() - startNanos));
                awaitKeys(handshake, deadline, result, spec.timeout());
                reportKeys(session, handshake, result);
                if (!spec.authenticates()) {
                    result.totalTimeMs(ms(handshake.keysEstablishedNanos() - startNanos));
                    return;
                }
                authenticate(session, spec, userKey, deadline, clock, result);
                result.totalTimeMs(ms(clock.nanos() - startNanos));
                SshSessionMeasurements.measure(session, spec, clock, result);
            }
        } finally {
            client.stop();
        }
    }

    /** A client offering the library's ciphers, or only {@code cipher} when one is given. */
    private static SshClient newClient(Duration timeout, SshHandshake handshake, String cipher) {
        SshClient client = SshClient.setUpDefaultClient();
        if (cipher != null) {
            client.setCipherFactoriesNames(cipher);
        }
        // A probe must not pick up the running user's ~/.ssh/config (host/port rewrites) or ~/.ssh/id_* keys.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(handshake);
        client.setIoServiceEventListener(handshake);
        client.addSessionListener(handshake);
        CoreModuleProperties.CLIENT_IDENTIFICATION.set(client, CLIENT_SOFTWARE);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, timeout);
        CoreModuleProperties.WINDOW_TIMEOUT.set(client, timeout);
        CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(client, timeout);
        CoreModuleProperties.NIO_WORKERS.set(client, 1);
        return client;
    }

    private static ClientSession awaitSession(ConnectFuture connect, long deadline) throws Exception {
        if (!connect.await(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
            connect.cancel();
            throw new ProbeException(ErrorKind.TIMEOUT, "TCP connect not completed");
        }
        if (connect.getException() != null) {
            throw asException(connect.getException());
        }
        return connect.getClientSession();
    }

    /** Waits for the end of the first key exchange and turns each way it can fail into a specific error. */
    private static void awaitKeys(SshHandshake handshake, long deadline, ProbeResult.Builder result, Duration timeout)
            throws Exception {
        Throwable failure = null;
        try {
            handshake.keysEstablished().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (TimeoutException e) {
            failure = e;
        }
        String version = handshake.serverVersion();
        if (version != null) {
            result.serverVersion(version);
            result.raw("banner_ms", ms(handshake.identificationNanos() - handshake.connectedNanos()));
        }
        if (failure == null) {
            result.raw("kex_ms", ms(handshake.keysEstablishedNanos() - handshake.identificationNanos()));
            return;
        }
        if (version == null) {
            String foreign = handshake.firstForeignLine();
            if (foreign != null) {
                throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "not an SSH server (it sent '" + abbreviate(foreign) + "')");
            }
            if (failure instanceof StreamCorruptedException) {
                throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "not an SSH server (" + failure.getMessage() + ")");
            }
        }
        if (failure instanceof TimeoutException) {
            throw new ProbeException(ErrorKind.TIMEOUT, version == null
                    ? "no SSH identification from the server within " + timeout.toMillis() + " ms"
                    : "key exchange not completed within " + timeout.toMillis() + " ms");
        }
        throw sshError(failure, version == null ? "before the server's identification" : "during key exchange");
    }

    private static void reportKeys(ClientSession session, SshHandshake handshake, ProbeResult.Builder result) {
        if (handshake.hostKey() != null) {
            result.raw("host_key_type", KeyUtils.getKeyType(handshake.hostKey()));
            result.raw("host_key_fingerprint", KeyUtils.getFingerPrint(BuiltinDigests.sha256, handshake.hostKey()));
        }
        result.raw("kex_algorithm", session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS));
        result.raw("host_key_algorithm", session.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS));
        result.raw("cipher", session.getNegotiatedKexParameter(KexProposalOption.C2SENC));
        result.raw("mac", session.getNegotiatedKexParameter(KexProposalOption.C2SMAC));
    }

    private static void authenticate(ClientSession session, SshSpec spec, KeyPair userKey, long deadline,
                                     MonotonicClock clock, ProbeResult.Builder result) throws Exception {
        String method = userKey != null ? "publickey" : "password";
        if (userKey != null) {
            session.addPublicKeyIdentity(userKey);
        }
        if (spec.password() != null) {
            session.addPasswordIdentity(spec.password());
            method = userKey != null ? "publickey, password" : method;
        }
        result.raw("auth_method", method);
        long authStart = clock.nanos();
        AuthFuture auth = session.auth();
        if (!auth.await(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
            auth.cancel();
            throw new ProbeException(ErrorKind.TIMEOUT, "authentication not completed");
        }
        if (!auth.isSuccess()) {
            if (!session.isOpen()) {
                throw sshError(auth.getException() == null ? new IOException("connection closed by server") : auth.getException(),
                        "during authentication");
            }
            // RFC 4252 §5.1: the server answered SSH_MSG_USERAUTH_FAILURE for every method we could offer.
            throw new ProbeException(ErrorKind.AUTH_FAILED, "server rejected " + method + " for user '" + spec.user() + "'");
        }
        result.raw("auth_ms", ms(clock.nanos() - authStart));
    }

    /** An SSH-level failure: a network kind when {@link Failures} knows one, else {@code ssh_error} with what happened. */
    static ProbeException sshError(Throwable failure, String when) {
        Failures.Failure f = Failures.classify(failure);
        if (f.kind() != ErrorKind.INTERNAL_ERROR) {
            return new ProbeException(f.kind(), f.detail(), failure);
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new ProbeException(ErrorKind.SSH_ERROR, message + " (" + when + ")", failure);
    }

    private static Exception asException(Throwable t) {
        return t instanceof Exception e ? e : new IOException(t);
    }

    static long remainingMillis(long deadlineNanos) throws ProbeException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (left <= 0) {
            throw new ProbeException(ErrorKind.TIMEOUT, null);
        }
        return left;
    }

    /** Nanoseconds as milliseconds rounded to the microsecond. */
    static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private static String abbreviate(String line) {
        String printable = line.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 60 ? printable : printable.substring(0, 60) + "…";
    }
}
