package io.waddleperf.testserver;

import static io.waddleperf.testkit.RawHttp.assertHoldsAtMost;
import static io.waddleperf.testkit.RawHttp.secondsUntilClosed;
import static io.waddleperf.testkit.RawHttp.secondsUntilClosedWhileTrickling;
import static io.waddleperf.testkit.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and greedy clients of the HTTP listener: a request head must arrive within {@code http.header_timeout} of the
 * connection opening (or of the previous response), a body at less than {@code http.min_body_rate} is refused, and
 * one address may hold at most {@code http.max_connections_per_client} connections. A test that runs longer than
 * the idle timeout still answers: the deadlines are for clients that do not send, not for servers that work.
 */
class SlowClientsIT {

    @TempDir
    Path dataDir;

    private TestServer server;
    private final List<Socket> sockets = new ArrayList<>();

    private void start(String... settings) throws IOException {
        List<String> all = new ArrayList<>(List.of("api_keys", ApiClient.KEY, "allow_private_targets", "true"));
        all.addAll(List.of(settings));
        server = TestServer.start(LoopbackConfig.of(dataDir, all.toArray(String[]::new)));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.httpPort());
        s.setSoTimeout(15_000);
        sockets.add(s);
        return s;
    }



    @Test
    void a_request_head_trickled_a_line_at_a_time_is_cut_off_at_the_header_timeout() throws Exception {
        start("http.header_timeout", "2s");
        Socket s = connect();
        double seconds = secondsUntilClosedWhileTrickling(s, "POST /api/v1/test/tcp HTTP/1.1");
        assertThat(seconds).as("seconds until the server closed a 9 s trickle").isBetween(1.5, 4.0);
    }

    @Test
    void an_idle_connection_is_closed_at_the_header_timeout() throws Exception {
        start("http.header_timeout", "1s");
        Socket s = connect();
        assertThat(secondsUntilClosed(s, System.nanoTime())).isBetween(0.5, 3.0);
    }

    @Test
    void a_body_sent_at_one_byte_a_second_is_refused() throws Exception {
        start();
        Socket s = connect();
        long start = System.nanoTime();
        write(s, "POST /api/v1/test/tcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: ApiKey " + ApiClient.KEY + "\r\nContent-Length: 100\r\n\r\n");
        Thread trickle = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 100; i++) {
                    write(s, "{");
                    Thread.sleep(1000);
                }
            } catch (IOException | InterruptedException e) {
                // refused: the server stopped reading
            }
        });
        InputStream in = s.getInputStream();
        String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        double seconds = (System.nanoTime() - start) / 1e9;
        trickle.interrupt();
        assertThat(head).as("an error status for the slow body").matches("HTTP/1.1 4\\d\\d");
        assertThat(seconds).as("seconds until the slow body was refused (it would take 100 s)").isLessThan(5.0);
    }

    @Test
    void one_address_may_hold_at_most_max_connections_per_client() throws Exception {
        start("http.max_connections_per_client", "8");
        List<Socket> held = assertHoldsAtMost(8, this::connect);
        held.getFirst().close();
        Thread.sleep(300);
        Socket again = connect();
        write(again, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(new String(again.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .as("a freed place is taken again").isEqualTo("HTTP/1.1 200");
    }

    @Test
    void a_test_running_longer_than_the_idle_timeout_still_answers() throws Exception {
        start("http.idle_timeout", "1s", "http.header_timeout", "1s");
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // 25 connects 100 ms apart: about 2.5 s with no byte on the API connection
            ApiClient.Answer a = new ApiClient(server.httpPort()).test("tcp", "{\"target\":\"127.0.0.1\",\"port\":"
                    + target.getLocalPort() + ",\"count\":25}");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.json().get("packets_sent").asInt()).isEqualTo(25);
        }
    }
}
