package io.waddleperf.agent.status;

import static io.waddleperf.testkit.RawHttp.assertHoldsAtMost;
import static io.waddleperf.testkit.RawHttp.secondsUntilClosedWhileTrickling;
import static io.waddleperf.testkit.RawHttp.status;
import static io.waddleperf.testkit.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.agent.AgentChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and greedy clients of the agent's status port, against an agent in a child JVM (the JDK HTTP server reads
 * its limits once per process, so they are tried in a process of their own): a head trickled a line at a time is cut
 * off at {@code status.request_timeout} (without it the JDK server waited for ever, holding a descriptor of the
 * agent's per connection), and no more than {@code status.max_connections} are held at once.
 */
class StatusPortClientsIT {

    @TempDir
    Path dir;

    private Process agent;
    private int port;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void startAgent() throws IOException {
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, """
                target_server: 127.0.0.1
                data_dir: %s
                autoperf: {enabled: false}
                status: {bind: 127.0.0.1, port: 0, request_timeout: 2s, max_connections: 8}
                """.formatted(dir.resolve("data")));
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        agent = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), AgentChild.class.getName(), config.toString())
                .redirectError(dir.resolve("agent.log").toFile()).start();
        String line = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).as("the agent's first line (log: %s)", dir.resolve("agent.log")).startsWith("READY ");
        port = Integer.parseInt(line.substring("READY ".length()).strip());
    }

    @AfterEach
    void stopAgent() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        agent.getOutputStream().close(); // end of input: the child closes its agent
        if (!agent.waitFor(20, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(15_000);
        sockets.add(s);
        return s;
    }

    @Test
    void a_request_head_trickled_a_line_at_a_time_is_cut_off_at_the_request_timeout() throws Exception {
        Socket s = connect();
        double seconds = secondsUntilClosedWhileTrickling(s, "GET /metrics HTTP/1.1");
        assertThat(seconds).as("seconds until the agent closed a 9 s trickle").isBetween(1.5, 5.0);
        Socket after = connect();
        write(after, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(status(after)).isEqualTo("HTTP/1.1 200");
    }

    @Test
    void no_more_than_max_connections_are_held_at_once() throws Exception {
        assertHoldsAtMost(8, this::connect);
    }
}
