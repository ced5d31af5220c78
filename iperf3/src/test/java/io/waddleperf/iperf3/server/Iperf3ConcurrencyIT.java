package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** With more than one test slot, stock clients run side by side: TCP streams are routed by cookie, UDP by lock. */
class Iperf3ConcurrencyIT {

    @Test
    void two_slots_serve_two_stock_clients_at_once() throws Exception {
        StockIperf3.assumeInstalled();
        try (Iperf3Server server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0)
                .withMaxConcurrentTests(2)
                .withIdleTimeout(Duration.ofSeconds(3)))) {
            var tcp = CompletableFuture.supplyAsync(() -> run(server, "-t", "2", "-P", "2", "-J"));
            var udp = CompletableFuture.supplyAsync(() -> run(server, "-t", "2", "-u", "-b", "10M", "-J"));
            for (StockIperf3.Run r : new StockIperf3.Run[] {tcp.get(), udp.get()}) {
                assertThat(r.exitCode()).as(r.output()).isZero();
                assertThat(r.json().at("/end/sum_received/bytes").asLong()).as(r.stdout()).isPositive();
            }
            StockIperf3.Run third = run(server, "-t", "1", "-J");
            assertThat(third.exitCode()).as(third.output()).isZero();
        }
    }

    private static StockIperf3.Run run(Iperf3Server server, String... args) {
        try {
            return StockIperf3.client(server.port(), 30, args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
