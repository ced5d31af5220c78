package io.waddleperf.probes;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.DnsSpec;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.core.spec.Iperf3Spec;
import io.waddleperf.core.spec.MtrSpec;
import io.waddleperf.core.spec.MtuSpec;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.ServiceTraceSpec;
import io.waddleperf.core.spec.RpmSpec;
import io.waddleperf.core.spec.SpeedtestSpec;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.core.spec.TlsSpec;
import io.waddleperf.core.spec.TracerouteSpec;
import io.waddleperf.core.spec.UdpRawSpec;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.probes.dns.DnsProber;
import io.waddleperf.probes.http.HttpProber;
import io.waddleperf.probes.icmp.IcmpProber;
import io.waddleperf.probes.rpm.RpmProber;
import io.waddleperf.probes.speedtest.SpeedtestProber;
import io.waddleperf.probes.mtu.MtuProber;
import io.waddleperf.probes.iperf3.Iperf3Prober;
import io.waddleperf.probes.ssh.SshProber;
import io.waddleperf.probes.tcp.TcpProber;
import io.waddleperf.probes.tls.TlsProber;
import io.waddleperf.probes.trace.MtrProber;
import io.waddleperf.probes.trace.ServiceTraceProber;
import io.waddleperf.probes.trace.TracerouteProber;
import io.waddleperf.probes.udp.UdpEchoProber;
import io.waddleperf.probes.udpraw.UdpRawProber;

/**
 * The registry: one line per probe type. The switch is exhaustive over the sealed {@link ProbeSpec}, so a new
 * spec without a prober does not compile.
 */
public final class Probers implements Prober<ProbeSpec> {

    private static final Probers INSTANCE = new Probers();

    private Probers() {
    }

    public static Prober<ProbeSpec> forSpec(ProbeSpec spec) {
        return INSTANCE;
    }

    @Override
    public void probe(ProbeSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        switch (spec) {
            case TcpSpec s -> TcpProber.INSTANCE.probe(s, context, result);
            case TlsSpec s -> TlsProber.INSTANCE.probe(s, context, result);
            case UdpSpec s -> UdpEchoProber.INSTANCE.probe(s, context, result);
            case UdpRawSpec s -> UdpRawProber.INSTANCE.probe(s, context, result);
            case DnsSpec s -> DnsProber.INSTANCE.probe(s, context, result);
            case HttpSpec s -> HttpProber.INSTANCE.probe(s, context, result);
            case SshSpec s -> SshProber.INSTANCE.probe(s, context, result);
            case IcmpSpec s -> IcmpProber.INSTANCE.probe(s, context, result);
            case TracerouteSpec s -> TracerouteProber.INSTANCE.probe(s, context, result);
            case MtrSpec s -> MtrProber.INSTANCE.probe(s, context, result);
            case ServiceTraceSpec s -> ServiceTraceProber.INSTANCE.probe(s, context, result);
            case SpeedtestSpec s -> SpeedtestProber.INSTANCE.probe(s, context, result);
            case RpmSpec s -> RpmProber.INSTANCE.probe(s, context, result);
            case MtuSpec s -> MtuProber.INSTANCE.probe(s, context, result);
            case Iperf3Spec s -> Iperf3Prober.INSTANCE.probe(s, context, result);
        }
    }
}
