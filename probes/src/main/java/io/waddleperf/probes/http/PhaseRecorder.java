package io.waddleperf.probes.http;

import io.waddleperf.core.clock.MonotonicClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.List;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp {@link EventListener} that timestamps one attempt's phases on the probe's monotonic clock. One recorder
 * serves exactly one call (a fresh client per attempt), so its readings are that attempt's own, never an average.
 *
 * <p>OkHttp's events say which phase the call is in, but they fire around OkHttp's own work (route planning, socket
 * and codec set-up, cipher suite filtering, certificate parsing, header parsing), which on a JVM that has only just
 * loaded those classes is milliseconds, not network time. So the boundaries themselves come from the connection's
 * socket ({@link WireSocketFactory}): the TCP connect is timed around {@code connect()} alone, the TLS handshake from
 * its first byte written to its last byte read or written, the server's wait from the request's first byte written
 * to the read that completed the response headers, and the transfer from there to the read that completed the body.
 * Events only name the phase a socket read or write belongs to. Without socket readings (a socket that is not ours)
 * the events' own times are used.
 *
 * <p>Phase boundaries, in OkHttp's event terms: dns = {@code dnsStart→dnsEnd}; TCP connect = {@code connectStart→
 * secureConnectStart} for TLS, {@code connectStart→connectEnd} otherwise; tls = {@code secureConnectStart→
 * secureConnectEnd}. When a redirect needs another connection, its dns/connect/tls times are added (they are part of
 * what the user waited for). Request and response marks are overwritten by each follow-up, so they describe the
 * final exchange. OkHttp fires {@code responseHeadersStart} once the status line and headers have been read, so
 * "first byte" is really "response headers received", as in blackbox_exporter and curl's starttransfer.
 */
final class PhaseRecorder extends EventListener {

    private static final long UNSET = Long.MIN_VALUE;

    private final MonotonicClock clock;

    private long callStartNanos = UNSET;
    private long dnsStartNanos = UNSET;
    private long dnsNanos;
    private boolean dnsLookedUp;
    private long connectStartNanos = UNSET;
    private long secureStartNanos = UNSET;
    private long connectNanos;
    private long tlsNanos;
    private int tcpConnects;
    private int connections;
    private boolean tlsUsed;
    private InetSocketAddress firstAddress;
    private InetSocketAddress connectingTo;
    private long requestStartNanos = UNSET;
    private long requestEndNanos = UNSET;
    private long responseHeadersNanos = UNSET;
    private long responseHeadersEndNanos = UNSET;
    private long responseBodyBytes = -1;

    /** Which phase socket I/O belongs to, as the events last said. */
    private enum Phase { OTHER, TLS, REQUEST }

    private Phase phase = Phase.OTHER;
    private long tlsFirstWriteNanos = UNSET;
    private long tlsLastIoNanos = UNSET;
    private long requestFirstWriteNanos = UNSET;
    private long requestLastWriteNanos = UNSET;
    private long lastReadNanos = UNSET;
    private long wireHeadersNanos = UNSET;
    private long wireBodyEndNanos = UNSET;
    private boolean wireConnect;
    private long serverWaitsNanos;

    PhaseRecorder(MonotonicClock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.nanos();
    }

    /** A TCP connect of this attempt's socket completed: {@code startNanos} to {@code endNanos} around the call. */
    synchronized void wireConnected(long startNanos, long endNanos) {
        wireConnect = true;
        connectNanos += endNanos - startNanos;
        tcpConnects++;
    }

    /** One socket write of the attempt, from entering to leaving the call. */
    synchronized void wireWrite(long startNanos, long endNanos) {
        if (phase == Phase.TLS) {
            if (tlsFirstWriteNanos == UNSET) {
                tlsFirstWriteNanos = startNanos;
            }
            tlsLastIoNanos = endNanos;
        } else if (phase == Phase.REQUEST) {
            if (requestFirstWriteNanos == UNSET) {
                requestFirstWriteNanos = startNanos;
            }
            requestLastWriteNanos = endNanos;
        }
    }

    /** A socket read of the attempt returned data at {@code endNanos}. */
    synchronized void wireRead(long endNanos) {
        lastReadNanos = endNanos;
        if (phase == Phase.TLS) {
            tlsLastIoNanos = endNanos;
        }
    }

    @Override
    public synchronized void callStart(Call call) {
        callStartNanos = clock.nanos();
    }

    @Override
    public synchronized void dnsStart(Call call, String domainName) {
        dnsStartNanos = clock.nanos();
    }

    @Override
    public synchronized void dnsEnd(Call call, String domainName, List<InetAddress> addresses) {
        if (dnsStartNanos != UNSET) {
            dnsNanos += clock.nanos() - dnsStartNanos;
            dnsLookedUp = true;
            dnsStartNanos = UNSET;
        }
    }

    @Override
    public synchronized void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
        connectStartNanos = clock.nanos();
        connectingTo = address;
        secureStartNanos = UNSET;
    }

    @Override
    public synchronized void secureConnectStart(Call call) {
        long now = clock.nanos();
        endEventConnect(now);
        if (firstAddress == null) {
            firstAddress = connectingTo; // TCP is up: this is the address the attempt reached, even if TLS fails
        }
        secureStartNanos = now;
        phase = Phase.TLS;
        tlsFirstWriteNanos = UNSET;
        tlsLastIoNanos = UNSET;
    }

    @Override
    public synchronized void secureConnectEnd(Call call, Handshake handshake) {
        if (secureStartNanos != UNSET) {
            boolean wire = tlsFirstWriteNanos != UNSET && tlsLastIoNanos != UNSET;
            tlsNanos += wire ? tlsLastIoNanos - tlsFirstWriteNanos : clock.nanos() - secureStartNanos;
            tlsUsed = true;
            secureStartNanos = UNSET;
        }
        phase = Phase.OTHER;
    }

    @Override
    public synchronized void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
        endEventConnect(clock.nanos());
        connections++;
        if (firstAddress == null) {
            firstAddress = address;
        }
    }

    /** The event-timed connect, only for a socket that reported no connect of its own. */
    private void endEventConnect(long now) {
        if (connectStartNanos != UNSET && !wireConnect) {
            connectNanos += now - connectStartNanos;
            tcpConnects++;
        }
        connectStartNanos = UNSET;
    }

    @Override
    public synchronized void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol, IOException e) {
        // A route that failed before TCP completed is not a connection the attempt used; its time is only in the
        // total. One that failed in the TLS handshake keeps its TCP connect time (already counted).
        connectStartNanos = UNSET;
        secureStartNanos = UNSET;
        phase = Phase.OTHER;
    }

    @Override
    public synchronized void connectionAcquired(Call call, Connection connection) {
        if (firstAddress == null) {
            firstAddress = connection.route().socketAddress();
        }
    }

    @Override
    public synchronized void requestHeadersStart(Call call) {
        requestStartNanos = clock.nanos();
        requestEndNanos = UNSET;
        phase = Phase.REQUEST;
        requestFirstWriteNanos = UNSET;
        requestLastWriteNanos = UNSET;
        wireHeadersNanos = UNSET;
        wireBodyEndNanos = UNSET;
    }

    @Override
    public synchronized void requestHeadersEnd(Call call, Request request) {
        requestEndNanos = clock.nanos();
    }

    @Override
    public synchronized void requestBodyEnd(Call call, long byteCount) {
        requestEndNanos = clock.nanos();
    }

    @Override
    public synchronized void responseHeadersStart(Call call) {
        responseHeadersNanos = clock.nanos();
        // OkHttp fires this once the headers are parsed; the read that brought their last bytes is the wire's moment
        // (for HTTP/2 the connection's reader thread did that read and handed the frame over).
        if (requestFirstWriteNanos != UNSET && lastReadNanos != UNSET && lastReadNanos >= requestFirstWriteNanos) {
            wireHeadersNanos = lastReadNanos;
        }
        serverWaitsNanos += serverWaitNanos();
        phase = Phase.OTHER;
    }

    @Override
    public synchronized void responseHeadersEnd(Call call, Response response) {
        responseHeadersEndNanos = clock.nanos();
        responseBodyBytes = -1;
    }

    @Override
    public synchronized void responseBodyEnd(Call call, long byteCount) {
        responseBodyBytes = byteCount;
        if (wireHeadersNanos != UNSET) {
            wireBodyEndNanos = Math.max(wireHeadersNanos, lastReadNanos);
        }
    }

    /**
     * The body was cut off by {@code max_body_bytes} and is not read to its end, so OkHttp never reports its end:
     * the transfer ends with the last read, as {@link #responseBodyEnd} would have it.
     */
    synchronized void bodyCutOff() {
        if (wireHeadersNanos != UNSET && wireBodyEndNanos == UNSET) {
            wireBodyEndNanos = Math.max(wireHeadersNanos, lastReadNanos);
        }
    }

    synchronized long callStartNanos() {
        return callStartNanos;
    }

    /** DNS time in ms; 0 when no lookup was needed (an IP literal). */
    synchronized double dnsMs() {
        return ms(dnsNanos);
    }

    synchronized boolean dnsLookedUp() {
        return dnsLookedUp;
    }

    /** TCP connect time in ms, null when no TCP connection was established. */
    synchronized Double connectMs() {
        return tcpConnects == 0 ? null : ms(connectNanos);
    }

    /** TLS handshake time in ms, null when no TLS handshake took place (plain http). */
    synchronized Double tlsMs() {
        return tlsUsed ? ms(tlsNanos) : null;
    }

    synchronized int connections() {
        return connections;
    }

    synchronized InetSocketAddress firstAddress() {
        return firstAddress;
    }

    synchronized Double requestMs() {
        if (requestFirstWriteNanos != UNSET) {
            return ms(requestLastWriteNanos - requestFirstWriteNanos);
        }
        return requestStartNanos == UNSET || requestEndNanos == UNSET ? null : ms(requestEndNanos - requestStartNanos);
    }

    /**
     * The final request's first byte written to its response headers received, in ns; -1 when no response came. This
     * is the server's share plus one round trip, with none of the client's own processing around it.
     */
    synchronized long serverWaitNanos() {
        if (responseHeadersNanos == UNSET) {
            return -1;
        }
        if (wireHeadersNanos != UNSET) {
            return wireHeadersNanos - requestFirstWriteNanos;
        }
        return responseHeadersNanos - (requestStartNanos == UNSET ? callStartNanos : requestStartNanos);
    }

    /** The server waits of every exchange of the attempt (redirects included), in ns. */
    synchronized long serverWaitsNanos() {
        return serverWaitsNanos;
    }

    /**
     * The attempt's time to first byte in ns, the sum of its network phases: dns, TCP connect and TLS of every
     * connection and the server waits of every exchange (redirects included); -1 when no response came. The client's
     * own processing between them is left out (the wall time minus this is reported as client time).
     */
    synchronized long ttfbNanos() {
        if (responseHeadersNanos == UNSET) {
            return -1;
        }
        return dnsNanos + connectNanos + tlsNanos + serverWaitsNanos;
    }

    /**
     * Response headers to the last body byte, in ns, given the clock reading {@code doneNanos} after the body was read
     * to its end; 0 when the body came with the headers.
     */
    synchronized long transferNanos(long doneNanos) {
        if (wireHeadersNanos != UNSET) {
            return (wireBodyEndNanos == UNSET ? wireHeadersNanos : wireBodyEndNanos) - wireHeadersNanos;
        }
        return Math.max(0, doneNanos - responseHeadersEndNanos());
    }

    /** Response headers received, in ns on the clock; {@link Long#MIN_VALUE} when none came. */
    synchronized long responseHeadersNanos() {
        return responseHeadersNanos;
    }

    synchronized long responseHeadersEndNanos() {
        return responseHeadersEndNanos == UNSET ? responseHeadersNanos : responseHeadersEndNanos;
    }

    /** Body bytes as they came off the connection (before any gzip decoding); -1 when OkHttp reported none. */
    synchronized long responseBodyBytes() {
        return responseBodyBytes;
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
