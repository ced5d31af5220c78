package io.waddleperf.probes;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.DnsSpec;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.core.spec.TlsSpec;
import io.waddleperf.core.spec.UdpRawSpec;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.probes.dns.DnsProber;
import io.waddleperf.probes.http.HttpProber;
import io.waddleperf.probes.icmp.IcmpProber;

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
            case TcpSpec s -> missing(s);
            case TlsSpec s -> missing(s);
            case UdpSpec s -> missing(s);
            case UdpRawSpec s -> missing(s);
            case DnsSpec s -> DnsProber.INSTANCE.probe(s, context, result);
            case HttpSpec s -> HttpProber.INSTANCE.probe(s, context, result);
            case SshSpec s -> missing(s);
            case IcmpSpec s -> IcmpProber.INSTANCE.probe(s, context, result);
        }
    }

    // Scaffolding while the probers land in parallel branches; removed once every line above names its prober.
    private static void missing(ProbeSpec s) throws ProbeException {
        throw new ProbeException(ErrorKind.INTERNAL_ERROR, "no prober registered for " + s.testType().wireName());
    }
}
