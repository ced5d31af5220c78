package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.probes.ProbeChild;
import io.waddleperf.testkit.Dnsmasq;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabExtension;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reverse DNS of the hops ({@code resolve=true}) for real: dnsmasq in the client's namespace holds names (A, AAAA and
 * the PTR records dnsmasq derives from them) for every hop, the client's {@code /etc/netns/<ns>/resolv.conf} points at
 * it, and the trace runs in a child JVM inside the namespace, so the system resolver the probe uses is the client's.
 */
class ReverseNamesLabIT {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.of(Lab.builder().routers(3));

    @Test
    void every_hop_gets_its_name_from_the_clients_resolver(@TempDir Path dir) throws Exception {
        Dnsmasq.assumeInstalled();
        Lab lab = LAB.lab();
        List<String> options = new ArrayList<>(List.of("--local=/lab.test/"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lab.hopsV4().size(); i++) {
            String name = (i < lab.routerCount() ? "r" + (i + 1) : "server") + ".lab.test";
            names.add(name);
            // --host-record gives the forward records and the PTR records; the JDK checks one against the other.
            options.add("--host-record=" + name + "," + lab.hopsV4().get(i).getHostAddress() + ","
                    + lab.hopsV6().get(i).getHostAddress());
        }
        boolean hadNetnsDir = Files.isDirectory(Path.of("/etc/netns"));
        Path netnsEtc = Path.of("/etc/netns", lab.client().namespace());
        Files.createDirectories(netnsEtc);
        try (Dnsmasq dns = Dnsmasq.startIn(lab.client(), dir, options.toArray(String[]::new))) {
            Files.writeString(netnsEtc.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:2\n");
            for (InetAddress server : List.of(lab.server().addressV4(), lab.server().addressV6())) {
                ProbeResult r = ResultSchema.assertValid(ProbeChild.run(lab.client(), dir,
                        "trace://" + TracerouteLabIT.literal(server) + "?resolve=true"));

                assertThat(r.success()).as(r.error()).isTrue();
                assertThat(r.hopCount()).isEqualTo(4);
                assertThat(r.hops()).extracting(Hop::ip).containsExactlyElementsOf(
                        TracerouteLabIT.groundTruth(lab, server instanceof java.net.Inet6Address));
                assertThat(r.hops()).extracting(Hop::hostname).as(dns.log()).containsExactlyElementsOf(names);
            }
        } finally {
            Files.deleteIfExists(netnsEtc.resolve("resolv.conf"));
            Files.deleteIfExists(netnsEtc);
            if (!hadNetnsDir) {
                Files.deleteIfExists(netnsEtc.getParent());
            }
        }
    }
}
