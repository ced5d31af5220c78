package io.waddleperf.probes.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.testkit.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.List;
import okhttp3.Protocol;
import org.junit.jupiter.api.Test;

/** Phase arithmetic of {@link PhaseRecorder}, driven event by event on a hand-moved clock (OkHttp's event order). */
class PhaseRecorderTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
    private static final InetSocketAddress OTHER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);

    private final FakeClock clock = new FakeClock(1_000_000_000L);
    private final PhaseRecorder rec = new PhaseRecorder(clock);

    private void ms(double millis) {
        clock.advanceNanos((long) (millis * 1_000_000));
    }

    @Test
    void splits_tcp_connect_from_tls_handshake() {
        rec.callStart(null);
        ms(1);
        rec.dnsStart(null, "example.test");
        ms(2);
        rec.dnsEnd(null, "example.test", List.of(TARGET.getAddress()));
        rec.connectStart(null, TARGET, Proxy.NO_PROXY);
        ms(3);
        rec.secureConnectStart(null);
        ms(4);
        rec.secureConnectEnd(null, null);
        rec.connectEnd(null, TARGET, Proxy.NO_PROXY, Protocol.HTTP_2);
        rec.requestHeadersStart(null);
        ms(0.5);
        rec.requestHeadersEnd(null, null);
        ms(10);
        rec.responseHeadersStart(null);

        assertThat(rec.dnsMs()).isEqualTo(2.0);
        assertThat(rec.connectMs()).isEqualTo(3.0);
        assertThat(rec.tlsMs()).isEqualTo(4.0);
        assertThat(rec.requestMs()).isEqualTo(0.5);
        // without socket readings the events' times: dns 2 + connect 3 + tls 4 + request-to-headers 10.5
        assertThat(PhaseRecorder.ms(rec.ttfbNanos())).isEqualTo(19.5);
        assertThat(rec.connections()).isEqualTo(1);
        assertThat(rec.firstAddress()).isEqualTo(TARGET);
    }

    @Test
    void plain_connection_has_no_tls_time() {
        rec.callStart(null);
        rec.connectStart(null, TARGET, Proxy.NO_PROXY);
        ms(3);
        rec.connectEnd(null, TARGET, Proxy.NO_PROXY, Protocol.HTTP_1_1);

        assertThat(rec.connectMs()).isEqualTo(3.0);
        assertThat(rec.tlsMs()).isNull();
        assertThat(rec.dnsLookedUp()).isFalse();
        assertThat(rec.dnsMs()).isZero();
    }

    @Test
    void failed_handshake_keeps_tcp_time_and_address() {
        rec.callStart(null);
        rec.connectStart(null, TARGET, Proxy.NO_PROXY);
        ms(2);
        rec.secureConnectStart(null);
        ms(5);
        rec.connectFailed(null, TARGET, Proxy.NO_PROXY, null, new IOException("handshake failed"));

        assertThat(rec.connectMs()).isEqualTo(2.0);
        assertThat(rec.tlsMs()).isNull();
        assertThat(rec.connections()).isZero();
        assertThat(rec.firstAddress()).isEqualTo(TARGET);
    }

    @Test
    void refused_route_adds_no_connect_time() {
        rec.callStart(null);
        rec.connectStart(null, OTHER, Proxy.NO_PROXY);
        ms(7);
        rec.connectFailed(null, OTHER, Proxy.NO_PROXY, null, new IOException("refused"));

        assertThat(rec.connectMs()).isNull();
        assertThat(rec.firstAddress()).isNull();
    }

    @Test
    void redirect_to_another_origin_adds_its_connect_and_keeps_the_first_address() {
        rec.callStart(null);
        rec.connectStart(null, TARGET, Proxy.NO_PROXY);
        ms(1);
        rec.connectEnd(null, TARGET, Proxy.NO_PROXY, Protocol.HTTP_1_1);
        rec.requestHeadersStart(null);
        ms(1);
        rec.requestHeadersEnd(null, null);
        ms(5);
        rec.responseHeadersStart(null);
        rec.connectStart(null, OTHER, Proxy.NO_PROXY);
        ms(2);
        rec.connectEnd(null, OTHER, Proxy.NO_PROXY, Protocol.HTTP_1_1);
        rec.requestHeadersStart(null);
        ms(0.25);
        rec.requestHeadersEnd(null, null);
        ms(4);
        rec.responseHeadersStart(null);

        assertThat(rec.connectMs()).isEqualTo(3.0);
        assertThat(rec.connections()).isEqualTo(2);
        assertThat(rec.requestMs()).isEqualTo(0.25); // the final exchange's request
        // both connects and both exchanges' waits (6 and 4.25), nothing of the client's time between them
        assertThat(PhaseRecorder.ms(rec.ttfbNanos())).isEqualTo(13.25);
        assertThat(rec.firstAddress()).isEqualTo(TARGET);
    }

    private long at() {
        return clock.nanos();
    }

    @Test
    void socket_readings_set_the_boundaries_and_leave_the_clients_processing_out() {
        rec.callStart(null);
        ms(5); // route planning, class loading: not network time
        rec.connectStart(null, TARGET, Proxy.NO_PROXY);
        ms(0.5); // socket set-up before connect()
        long c0 = at();
        ms(2);
        rec.wireConnected(c0, at());
        ms(0.5);
        rec.secureConnectStart(null);
        ms(1); // SSL socket and cipher suites set up
        long w0 = at();
        ms(0.1);
        rec.wireWrite(w0, at()); // ClientHello
        ms(3);
        rec.wireRead(at()); // the server's flight
        ms(0.5); // certificate checks
        long w1 = at();
        ms(0.1);
        rec.wireWrite(w1, at()); // Finished: the handshake's last byte
        ms(2); // session and certificate parsing in OkHttp
        rec.secureConnectEnd(null, null);
        rec.connectEnd(null, TARGET, Proxy.NO_PROXY, Protocol.HTTP_1_1);
        ms(1);
        rec.requestHeadersStart(null);
        ms(0.2);
        long r0 = at();
        ms(0.3);
        rec.wireWrite(r0, at());
        rec.requestHeadersEnd(null, null);
        ms(6);
        rec.wireRead(at()); // headers and the start of the body
        long headers = at();
        ms(0.4);
        rec.responseHeadersStart(null); // after OkHttp parsed them
        rec.responseHeadersEnd(null, null);
        ms(4);
        rec.wireRead(at());
        long bodyEnd = at();
        ms(1);
        rec.responseBodyEnd(null, 100);

        assertThat(rec.connectMs()).isEqualTo(2.0);
        assertThat(rec.tlsMs()).isCloseTo(3.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rec.requestMs()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(PhaseRecorder.ms(rec.serverWaitNanos())).isCloseTo(6.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(PhaseRecorder.ms(rec.ttfbNanos())).isCloseTo(2 + 3.7 + 6.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rec.transferNanos(at())).isEqualTo(bodyEnd - headers);
        assertThat(rec.connections()).isEqualTo(1);
    }
}
