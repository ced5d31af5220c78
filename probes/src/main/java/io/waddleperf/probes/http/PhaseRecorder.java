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

    PhaseRecorder(MonotonicClock clock) {
        this.clock = clock;
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
        if (connectStartNanos != UNSET) {
            connectNanos += now - connectStartNanos;
            tcpConnects++;
            connectStartNanos = UNSET;
        }
        if (firstAddress == null) {
            firstAddress = connectingTo; // TCP is up: this is the address the attempt reached, even if TLS fails
        }
        secureStartNanos = now;
    }

    @Override
    public synchronized void secureConnectEnd(Call call, Handshake handshake) {
        if (secureStartNanos != UNSET) {
            tlsNanos += clock.nanos() - secureStartNanos;
            tlsUsed = true;
            secureStartNanos = UNSET;
        }
    }

    @Override
    public synchronized void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
        if (connectStartNanos != UNSET) {
            connectNanos += clock.nanos() - connectStartNanos;
            tcpConnects++;
            connectStartNanos = UNSET;
        }
        connections++;
        if (firstAddress == null) {
            firstAddress = address;
        }
    }

    @Override
    public synchronized void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol, IOException e) {
        // A route that failed before TCP completed is not a connection the attempt used; its time is only in the
        // total. One that failed in the TLS handshake keeps its TCP connect time (already counted).
        connectStartNanos = UNSET;
        secureStartNanos = UNSET;
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
    }

    @Override
    public synchronized void responseHeadersEnd(Call call, Response response) {
        responseHeadersEndNanos = clock.nanos();
        responseBodyBytes = -1;
    }

    @Override
    public synchronized void responseBodyEnd(Call call, long byteCount) {
        responseBodyBytes = byteCount;
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
        return requestStartNanos == UNSET || requestEndNanos == UNSET ? null : ms(requestEndNanos - requestStartNanos);
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
