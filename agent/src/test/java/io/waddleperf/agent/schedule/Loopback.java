package io.waddleperf.agent.schedule;

import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Real peers on loopback for the agent's tests: the test server's UDP echo responder, its iperf3 server, a TCP listener. */
final class Loopback implements AutoCloseable {

    final UdpEchoResponder echo;
    final Iperf3Server iperf3;
    final ServerSocket tcp;

    Loopback() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        echo = UdpEchoResponder.start(new InetSocketAddress(lo, 0), Set.of());
        iperf3 = Iperf3Server.start(Iperf3ServerConfig.defaults().withBind(lo, 0));
        tcp = new ServerSocket(0, 50, lo);
        Thread.ofVirtual().start(() -> {
            while (!tcp.isClosed()) {
                try {
                    tcp.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() throws Exception {
        tcp.close();
        iperf3.close();
        echo.close();
    }
}
