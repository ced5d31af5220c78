package io.waddleperf.probes;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.net.Errno;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.UnsupportedPlatformException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.sshd.common.SshException;

/** Maps whatever a prober threw to the closed error vocabulary; the one place such mapping happens. */
public final class Failures {

    private Failures() {
    }

    /** A classified failure: kind plus a short human detail (may be null). */
    public record Failure(ErrorKind kind, String detail) {
        public String describe() {
            return kind.describe(detail);
        }
    }

    public static Failure classify(Throwable t) {
        Throwable root = t;
        // Unwrap wrappers (ExecutionException, UncheckedIOException, library exceptions) to the first known cause.
        for (Throwable c = t; c != null; c = c.getCause()) {
            Failure f = direct(c);
            if (f != null) {
                return f;
            }
            root = c;
            if (c.getCause() == c) {
                break;
            }
        }
        return new Failure(ErrorKind.INTERNAL_ERROR, root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }

    private static Failure direct(Throwable c) {
        String msg = c.getMessage() == null ? "" : c.getMessage();
        String lower = msg.toLowerCase(Locale.ROOT);
        return switch (c) {
            case ProbeException p -> new Failure(p.kind(), p.detail());
            case UnknownHostException u -> new Failure(ErrorKind.DNS_FAILURE, msg.isEmpty() ? null : "cannot resolve " + msg);
            case SocketTimeoutException s -> new Failure(ErrorKind.TIMEOUT, null);
            case TimeoutException s -> new Failure(ErrorKind.TIMEOUT, null);
            case ConnectException ce when lower.contains("refused") -> new Failure(ErrorKind.CONNECTION_REFUSED, null);
            case ConnectException ce when lower.contains("timed out") -> new Failure(ErrorKind.TIMEOUT, null);
            case ConnectException ce when lower.contains("network is unreachable") -> new Failure(ErrorKind.NETWORK_UNREACHABLE, null);
            case NoRouteToHostException n -> new Failure(ErrorKind.HOST_UNREACHABLE, null);
            case ConnectException ce when lower.contains("no route") -> new Failure(ErrorKind.HOST_UNREACHABLE, null);
            case PortUnreachableException p -> new Failure(ErrorKind.CONNECTION_REFUSED, "port unreachable");
            case SSLException s -> new Failure(ErrorKind.TLS_ERROR, certificateReason(s).orElse(msg.isEmpty() ? null : msg));
            // MINA SSHD wraps I/O failures in SshException: only one without a cause is an SSH protocol failure.
            case SshException s when s.getCause() == null -> new Failure(ErrorKind.SSH_ERROR, msg.isEmpty() ? null : msg);
            case ProtocolException p -> new Failure(ErrorKind.PROTOCOL_ERROR, msg.isEmpty() ? null : msg);
            case SocketException s when lower.contains("reset") -> new Failure(ErrorKind.CONNECTION_RESET, null);
            case SocketException s when lower.contains("network is unreachable") -> new Failure(ErrorKind.NETWORK_UNREACHABLE, null);
            case SocketException s when lower.contains("permission denied") || lower.contains("operation not permitted") ->
                    new Failure(ErrorKind.PERMISSION_DENIED, msg);
            case ClosedByInterruptException i -> new Failure(ErrorKind.TIMEOUT, null);
            case InterruptedIOException i -> new Failure(ErrorKind.TIMEOUT, null);
            case InterruptedException i -> new Failure(ErrorKind.TIMEOUT, null);
            case NativeException n -> nativeFailure(n);
            // The native layer refuses an OS or architecture it was not checked for: the probe cannot run here.
            case UnsupportedPlatformException u -> new Failure(ErrorKind.INTERNAL_ERROR, msg);
            // An iperf3 failure caused by a socket error is classified by that error (the loop moves on to it).
            case Iperf3Exception e when e.getCause() == null || direct(e.getCause()) == null -> iperf3Failure(e);
            default -> null;
        };
    }

    /**
     * The certificate check's own words when it is what failed the handshake: JSSE puts the alert in front
     * ({@code (certificate_unknown) hostname mismatch: ...}), and an HTTP client may wrap the exception again.
     */
    private static Optional<String> certificateReason(SSLException e) {
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof CertificateException ce && ce.getMessage() != null) {
                return Optional.of(ce.getMessage());
            }
        }
        return Optional.empty();
    }

    /** An iperf3 error code (our client's or the server's SERVER_ERROR), with iperf3's own text as the detail. */
    private static Failure iperf3Failure(Iperf3Exception e) {
        String detail = "iperf3 error " + e.error().code() + ": " + e.getMessage();
        return switch (e.error()) {
            case IEACCESSDENIED -> new Failure(ErrorKind.CONNECTION_REFUSED, detail);
            case IEAUTHTEST -> new Failure(ErrorKind.AUTH_FAILED, detail);
            case IENOMSG -> new Failure(ErrorKind.TIMEOUT, detail);
            case IECTRLCLOSE -> new Failure(ErrorKind.CONNECTION_RESET, detail);
            default -> new Failure(ErrorKind.PROTOCOL_ERROR, detail);
        };
    }

    /** A failed libc socket call, by errno (socket(2), sendto(2) ERRORS). */
    private static Failure nativeFailure(NativeException n) {
        return switch (n.errno()) {
            case Errno.EPERM, Errno.EACCES -> new Failure(ErrorKind.PERMISSION_DENIED, n.getMessage());
            case Errno.ENETUNREACH -> new Failure(ErrorKind.NETWORK_UNREACHABLE, null);
            case Errno.EHOSTUNREACH -> new Failure(ErrorKind.HOST_UNREACHABLE, null);
            case Errno.ECONNREFUSED -> new Failure(ErrorKind.CONNECTION_REFUSED, null);
            case Errno.ECONNRESET -> new Failure(ErrorKind.CONNECTION_RESET, null);
            case Errno.ETIMEDOUT -> new Failure(ErrorKind.TIMEOUT, null);
            case Errno.EMSGSIZE -> new Failure(ErrorKind.PROTOCOL_ERROR, n.getMessage() + " (larger than the path MTU with DF set)");
            default -> new Failure(ErrorKind.INTERNAL_ERROR, n.getMessage());
        };
    }
}
