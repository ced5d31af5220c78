package io.waddleperf.testserver;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.iperf3.server.ClientByteQuota;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.probes.iperf3.NativeTcpTuning;
import io.waddleperf.probes.iperf3.NetlinkTcpStats;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.dns.DnsZone;
import io.waddleperf.testserver.echo.UdpEchoConfig;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import io.waddleperf.testserver.limits.ByteBudget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The non-HTTP listeners a full {@code waddleperf testserver} runs, built from its configuration. */
public final class TestServerListeners {

    private TestServerListeners() {
    }

    /** UDP echo (always), the DNS responder and the iperf3 server (each when enabled), in start order. */
    public static List<TestServer.Listener> standard(Set<String> echoTokens) {
        List<TestServer.Listener> listeners = new ArrayList<>();
        listeners.add(c -> UdpEchoResponder.start(UdpEchoConfig.of(new InetSocketAddress(c.bind(), c.udpEchoPort()),
                echoTokens).withRateLimit(c.udpEcho().ratePerSource(), c.udpEcho().burstPerSource())
                .withMaxTrackedSources(c.udpEcho().maxSources())));
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
        listeners.add(c -> {
            if (!c.iperf3().enabled()) {
                return () -> { };
            }
            TestServerConfig.Iperf3 i = c.iperf3();
            return Iperf3Server.start(Iperf3ServerConfig.defaults().withBind(InetAddress.getByName(c.bind()), i.port())
                    .withMaxConcurrentTests(i.maxTests()).withIdleTimeout(i.idleTimeout())
                    .withMaxDuration(i.maxDuration()).withSetupTimeout(i.setupTimeout())
                    .withTcpStats(NetlinkTcpStats.INSTANCE).withTcpTuning(NativeTcpTuning.INSTANCE)
                    .withClientQuota(quota(new ByteBudget(i.perClientBytes(), i.bytesWindow(), MonotonicClock.SYSTEM))),
                    AccessLog.iperf3());
        });
        return listeners;
    }

    /** The iperf3 server's per-address byte quota, kept in a {@link ByteBudget} by address text. */
    static ClientByteQuota quota(ByteBudget budget) {
        return new ClientByteQuota() {
            @Override
            public long available(InetAddress client) {
                return budget.available(client.getHostAddress());
            }

            @Override
            public void charge(InetAddress client, long bytes) {
                budget.take(client.getHostAddress(), bytes);
            }
        };
    }
}
