package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue that help and completion show says what the spec factories accept, no more and no less. */
class ProbeCatalogTest {

    private static final Pattern ALLOWED = Pattern.compile("\\(allowed: ([^)]*)\\)");

    @Test
    void every_probe_type_is_listed_once_and_every_scheme_parses_to_it() {
        assertThat(ProbeCatalog.all().stream().map(ProbeCatalog.Probe::type).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(TestType.class));
        assertThat(ProbeCatalog.all()).hasSize(TestType.values().length);
        for (ProbeCatalog.Probe p : ProbeCatalog.all()) {
            for (String scheme : p.schemes()) {
                assertThat(TargetParser.parse(target(scheme), ProbeOptions.DEFAULTS).testType())
                        .as(scheme).isEqualTo(p.type());
                assertThat(ProbeCatalog.byScheme(scheme)).contains(p);
            }
        }
    }

    /** The spec factories name what they accept when refusing an unknown option: that list is the catalogue's. */
    @Test
    void option_names_are_exactly_those_each_spec_accepts() {
        for (ProbeCatalog.Probe p : ProbeCatalog.all()) {
            Set<String> listed = p.options().stream().map(ProbeCatalog.Option::key)
                    .collect(Collectors.toCollection(TreeSet::new));
            String scheme = p.schemes().getFirst();
            String target = target(scheme);
            Set<String> accepted = switch (p.type()) {
                // a service trace hands its other options to the service's probe: both lists together
                case HTTP_TRACE, TCP_TRACE, UDP_TRACE -> {
                    Set<String> both = new TreeSet<>(Set.of("max_hops", "resolve"));
                    both.addAll(allowed(target, Map.of("zz_unknown", "1")));
                    if (p.type() == TestType.HTTP_TRACE) {
                        both.add("scheme");
                    }
                    yield both;
                }
                default -> allowed(target, Map.of("zz_unknown", "1"));
            };
            assertThat(listed).as(scheme).isEqualTo(accepted);
        }
    }

    private static String target(String scheme) {
        return scheme + "://127.0.0.1" + (Set.of("icmp", "mtu", "trace", "traceroute", "mtr").contains(scheme) ? "" : ":9");
    }

    private static Set<String> allowed(String target, Map<String, String> params) {
        try {
            TargetParser.parse(target, new ProbeOptions(null, null, null, null, params));
        } catch (InvalidSpecException e) {
            Matcher m = ALLOWED.matcher(e.getMessage());
            assertThat(m.find()).as(e.getMessage()).isTrue();
            return m.group(1).equals("none") ? Set.of()
                    : Arrays.stream(m.group(1).split(", ")).collect(Collectors.toCollection(TreeSet::new));
        }
        throw new AssertionError(target + " accepted an unknown option");
    }

    @Test
    void listed_defaults_are_the_ones_the_specs_use() {
        DnsSpec dns = (DnsSpec) TargetParser.parse("dns://127.0.0.1", ProbeOptions.DEFAULTS);
        assertThat(dns.recordType()).isEqualToIgnoringCase(ProbeCatalog.byScheme("dns").orElseThrow().option("type")
                .orElseThrow().dflt());
        MtuSpec mtu = (MtuSpec) TargetParser.parse("mtu://127.0.0.1", ProbeOptions.DEFAULTS);
        assertThat(Integer.toString(mtu.minBytesFor(false))).isEqualTo(ProbeCatalog.byScheme("mtu").orElseThrow().option("min")
                .orElseThrow().dflt());
        SshSpec ssh = (SshSpec) TargetParser.parse("ssh://127.0.0.1", ProbeOptions.DEFAULTS);
        assertThat(Integer.toString(ssh.uploadBytes())).isEqualTo(ProbeCatalog.byScheme("ssh").orElseThrow()
                .option("upload_bytes").orElseThrow().dflt());
    }

    @Test
    void a_target_finds_its_probe_by_scheme() {
        assertThat(ProbeCatalog.forTarget("HTTPS://x/").map(ProbeCatalog.Probe::type)).contains(TestType.HTTP);
        assertThat(ProbeCatalog.forTarget("nonsense")).isEmpty();
        assertThat(ProbeCatalog.forTarget("ftp://x")).isEmpty();
        assertThat(ProbeCatalog.schemes()).contains("tcp", "udp-raw", "iperf3").doesNotHaveDuplicates();
        assertThatThrownBy(() -> TargetParser.parse("ftp://x", ProbeOptions.DEFAULTS)).isInstanceOf(InvalidSpecException.class);
    }
}
