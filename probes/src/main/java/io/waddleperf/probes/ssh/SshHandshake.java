package io.waddleperf.probes.ssh;

import io.waddleperf.core.clock.MonotonicClock;
import java.io.IOException;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * The observed milestones of one SSH connection up to the end of the first key exchange, recorded from MINA
 * SSHD's callbacks with the probe's monotonic clock: TCP connected, the server's identification line
 * (RFC 4253 §4.2), the host key offered (accepted whatever it is: a probe measures, it does not log in to trust
 * a host), and the first {@code SSH_MSG_NEWKEYS} from the server (RFC 4253 §7.3, MINA's {@code KeyEstablished}).
 * One instance serves one connection; the fields are written on MINA's I/O threads and read by the prober.
 */
final class SshHandshake implements SessionListener, IoServiceEventListener, ServerKeyVerifier {

    private final MonotonicClock clock;
    private final CompletableFuture<Void> keysEstablished = new CompletableFuture<>();
    private volatile long connectedNanos;
    private volatile long identificationNanos;
    private volatile long hostKeyNanos;
    private volatile long keysEstablishedNanos;
    private volatile String serverVersion;
    private volatile String firstForeignLine;
    private volatile PublicKey hostKey;
    private volatile String disconnectMessage;

    SshHandshake(MonotonicClock clock) {
        this.clock = clock;
    }

    @Override
    public void connectionEstablished(IoConnector connector, SocketAddress local, AttributeRepository context, SocketAddress remote) {
        connectedNanos = clock.nanos();
    }

    @Override
    public void sessionPeerIdentificationLine(Session session, String line, List<String> extraLines) {
        // RFC 4253 §4.2: a server may send other lines before "SSH-"; a non-SSH service (HTTP, SMTP) sends only those.
        if (line.startsWith("SSH-")) {
            identificationNanos = clock.nanos();
            serverVersion = line;
        } else if (firstForeignLine == null && !line.isBlank()) {
            firstForeignLine = line;
        }
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        hostKeyNanos = clock.nanos();
        hostKey = serverKey;
        return true;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.KeyEstablished && keysEstablishedNanos == 0) {
            keysEstablishedNanos = clock.nanos();
            keysEstablished.complete(null);
        }
    }

    @Override
    public void sessionException(Session session, Throwable t) {
        keysEstablished.completeExceptionally(t);
    }

    @Override
    public void sessionDisconnect(Session session, int reason, String msg, String language, boolean initiator) {
        if (!initiator && disconnectMessage == null) {
            disconnectMessage = msg;
        }
    }

    @Override
    public void sessionClosed(Session session) {
        keysEstablished.completeExceptionally(new IOException(disconnectMessage == null
                ? "connection closed by server" : "server disconnected: " + disconnectMessage));
    }

    /** Completes when the first key exchange is done; fails when the session ends or breaks before. */
    CompletableFuture<Void> keysEstablished() {
        return keysEstablished;
    }

    long connectedNanos() {
        return connectedNanos;
    }

    long identificationNanos() {
        return identificationNanos;
    }

    long hostKeyNanos() {
        return hostKeyNanos;
    }

    long keysEstablishedNanos() {
        return keysEstablishedNanos;
    }

    /** The server's identification line, e.g. {@code SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3}; null if none came. */
    String serverVersion() {
        return serverVersion;
    }

    /** The first non-empty line the server sent that was not an SSH identification; null if none. */
    String firstForeignLine() {
        return firstForeignLine;
    }

    PublicKey hostKey() {
        return hostKey;
    }
}
