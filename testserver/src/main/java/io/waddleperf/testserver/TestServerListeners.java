package io.waddleperf.testserver;

import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.dns.DnsZone;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The non-HTTP listeners a full {@code waddleperf testserver} runs, built from its configuration. */
public final class TestServerListeners {

    private TestServerListeners() {
    }

    /** UDP echo (always) and the DNS responder (when enabled), in start order. */
    public static List<TestServer.Listener> standard(Set<String> echoTokens) {
        List<TestServer.Listener> listeners = new ArrayList<>();
        listeners.add(c -> UdpEchoResponder.start(new InetSocketAddress(c.bind(), c.udpEchoPort()), echoTokens));
        listeners.add(c -> {
            if (!c.dns().enabled()) {
                return () -> { };
            }
            InetAddress bind = InetAddress.getByName(c.bind());
            InetAddress answer = DnsResponder.defaultAnswer(bind);
            InetAddress v4 = answer instanceof java.net.Inet4Address ? answer : null;
            InetAddress v6 = answer instanceof java.net.Inet6Address ? answer : null;
            return DnsResponder.start(new InetSocketAddress(bind, c.dns().port()), new DnsZone(c.dns().zone(), v4, v6));
        });
        return listeners;
    }
}
