package io.waddleperf.probes;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.net.UnsupportedPlatformException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    private static String describe(Throwable t) {
        return Failures.classify(t).describe();
    }

    @Test
    void maps_socket_exceptions_to_their_kinds() {
        assertThat(describe(new UnknownHostException("x.invalid"))).isEqualTo("dns_failure: cannot resolve x.invalid");
        assertThat(describe(new UnknownHostException())).isEqualTo("dns_failure");
        assertThat(describe(new SocketTimeoutException("Connect timed out"))).isEqualTo("timeout");
        assertThat(describe(new TimeoutException())).isEqualTo("timeout");
        assertThat(describe(new ConnectException("Connection refused"))).isEqualTo("connection_refused");
        assertThat(describe(new ConnectException("Connection timed out"))).isEqualTo("timeout");
        assertThat(describe(new ConnectException("Network is unreachable"))).isEqualTo("network_unreachable");
        assertThat(describe(new SocketException("Network is unreachable"))).isEqualTo("network_unreachable");
        assertThat(describe(new NoRouteToHostException("No route to host"))).isEqualTo("host_unreachable");
        assertThat(describe(new ConnectException("No route to host"))).isEqualTo("host_unreachable");
        assertThat(describe(new PortUnreachableException())).isEqualTo("connection_refused: port unreachable");
        assertThat(describe(new SocketException("Connection reset by peer"))).isEqualTo("connection_reset");
        assertThat(describe(new SocketException("Operation not permitted"))).isEqualTo("permission_denied: Operation not permitted");
        assertThat(describe(new ClosedByInterruptException())).isEqualTo("timeout");
        assertThat(describe(new InterruptedIOException())).isEqualTo("timeout");
        assertThat(describe(new InterruptedException())).isEqualTo("timeout");
    }

    @Test
    void maps_tls_failures_to_tls_error_with_the_message() {
        assertThat(describe(new SSLHandshakeException("Received fatal alert: handshake_failure")))
                .isEqualTo("tls_error: Received fatal alert: handshake_failure");
    }

    @Test
    void passes_a_probe_exception_through() {
        Failures.Failure f = Failures.classify(new ProbeException(ErrorKind.NO_REPLY, "nothing in 2000 ms"));
        assertThat(f.kind()).isEqualTo(ErrorKind.NO_REPLY);
        assertThat(f.detail()).isEqualTo("nothing in 2000 ms");
    }

    @Test
    void looks_through_wrappers_to_the_first_known_cause() {
        Throwable wrapped = new ExecutionException(new UncheckedIOException(new ConnectException("Connection refused")));
        assertThat(describe(wrapped)).isEqualTo("connection_refused");
        assertThat(describe(new RuntimeException("outer", new ProbeException(ErrorKind.AUTH_FAILED, null))))
                .isEqualTo("auth_failed");
    }

    @Test
    void reports_an_unknown_failure_as_internal_error_naming_the_root_cause() {
        assertThat(describe(new IllegalStateException("broken"))).isEqualTo("internal_error: IllegalStateException: broken");
        assertThat(describe(new RuntimeException("outer", new ArithmeticException("/ by zero"))))
                .isEqualTo("internal_error: ArithmeticException: / by zero");
        assertThat(describe(new IOException())).isEqualTo("internal_error: IOException");
    }

    @Test
    void reports_an_unsupported_platform_as_internal_error_with_the_native_layers_words() {
        String message = "unsupported platform: Mac OS X/aarch64; native probes need Linux on x86_64 or aarch64";
        assertThat(describe(new ExecutionException(new UnsupportedPlatformException(message))))
                .isEqualTo("internal_error: " + message);
    }

    @Test
    void classifies_the_exception_the_jdk_throws_for_a_refused_connect() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            throw new AssertionError("connect to a closed port succeeded");
        } catch (ConnectException e) {
            assertThat(describe(e)).isEqualTo("connection_refused");
        }
    }

    @Test
    void classifies_the_exception_the_jdk_throws_for_an_unreachable_udp_port() throws IOException, InterruptedException {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = s.getLocalPort();
        }
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.configureBlocking(false);
            ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            ch.write(ByteBuffer.allocate(1));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) {
                ch.receive(ByteBuffer.allocate(16));
                Thread.sleep(10);
            }
            throw new AssertionError("no ICMP port unreachable within 2 s");
        } catch (PortUnreachableException e) {
            assertThat(describe(e)).isEqualTo("connection_refused: port unreachable");
        }
    }
}
