package io.waddleperf.manager.api;

import static io.waddleperf.testkit.RawHttp.assertHoldsAtMost;
import static io.waddleperf.testkit.RawHttp.secondsUntilClosed;
import static io.waddleperf.testkit.RawHttp.secondsUntilClosedWhileTrickling;
import static io.waddleperf.testkit.RawHttp.status;
import static io.waddleperf.testkit.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy clients of the manager's HTTP listener: a request head must arrive within
 * {@code http.header_timeout} of the connection opening (or of the previous answer) — a head trickled a byte at a
 * time resets Jetty's idle timeout forever, so before the guard one address held thousands of connections
 * indefinitely — a body at less than {@code http.min_body_rate} is refused, and one address may hold at most
 * {@code http.max_connections_per_client} connections, except a trusted proxy.
 */
class ManagerSlowClientsIT {

    private final List<Socket> sockets = new ArrayList<>();
    private Harness m;

    private void start(Map<String, String> settings) {
        m = Harness.start(Kind.H2, settings, InstantSource.system());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (m != null) {
            m.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), m.server().port());
        s.setSoTimeout(15_000);
        sockets.add(s);
        return s;
    }




    @Test
    void a_request_head_trickled_a_line_at_a_time_is_cut_off_at_the_header_timeout() throws Exception {
        // the idle timeout (30 s) never fires: a line every 300 ms keeps the connection busy
        start(Map.of("http.header_timeout", "2s"));
        Socket s = connect();
        double seconds = secondsUntilClosedWhileTrickling(s, "GET /health HTTP/1.1");
        assertThat(seconds).as("seconds until the manager closed a 9 s trickle").isBetween(1.5, 4.0);
    }

    @Test
    void a_kept_alive_connection_left_unused_is_closed_at_the_header_timeout_after_its_answer() throws Exception {
        start(Map.of("http.header_timeout", "1s"));
        Socket s = connect();
        write(s, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(status(s)).isEqualTo("HTTP/1.1 200");
        assertThat(secondsUntilClosed(s, System.nanoTime())).isBetween(0.5, 3.0);
    }

    @Test
    void a_result_upload_sent_at_one_byte_a_second_is_refused() throws Exception {
        start(Map.of());
        String admin = m.adminLogin();
        Socket s = connect();
        long start = System.nanoTime();
        write(s, "POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: " + admin + "\r\nContent-Length: 100\r\n\r\n");
        Thread trickle = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 100; i++) {
                    write(s, "[");
                    Thread.sleep(1000);
                }
            } catch (IOException | InterruptedException e) {
                // refused: the server stopped reading
            }
        });
        String head = status(s);
        double seconds = (System.nanoTime() - start) / 1e9;
        trickle.interrupt();
        assertThat(head).as("an error status for the slow body").matches("HTTP/1.1 4\\d\\d");
        assertThat(seconds).as("seconds until the slow body was refused (it would take 100 s)").isLessThan(5.0);
        assertThat(m.call("GET", "/api/v1/results", admin, null).json()).isEmpty();
    }

    @Test
    void one_address_may_hold_at_most_max_connections_per_client_unless_it_is_a_trusted_proxy() throws Exception {
        start(Map.of("http.max_connections_per_client", "8"));
        List<Socket> held = assertHoldsAtMost(8, this::connect);
        held.getFirst().close();
        Thread.sleep(300);
        Socket again = connect();
        write(again, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(status(again)).as("a freed place is taken again").isEqualTo("HTTP/1.1 200");
        m.close();
        m = null;

        // a balancer in front of the manager carries every client's connections: no limit for it
        start(Map.of("http.max_connections_per_client", "2", "trusted_proxies", "127.0.0.0/8"));
        List<Socket> proxied = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            proxied.add(connect());
        }
        for (Socket s : proxied) {
            write(s, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(status(s)).isEqualTo("HTTP/1.1 200");
        }
    }
}
