package io.waddleperf.testserver.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetPolicyTest {

    /** Host names with fixed addresses, as a DNS zone would give them. */
    private static final Map<String, InetAddress[]> ZONE = Map.of(
            "public.test", new InetAddress[] {InetAddress.ofLiteral("8.8.8.8"), InetAddress.ofLiteral("2606:4700::1")},
            "mixed.test", new InetAddress[] {InetAddress.ofLiteral("8.8.8.8"), InetAddress.ofLiteral("10.0.0.5")},
            "mapped.test", new InetAddress[] {InetAddress.ofLiteral("2001:4860::1"), InetAddress.ofLiteral("::ffff:192.168.0.1")},
            "empty.test", new InetAddress[0]);

    private static InetAddress[] zone(String host) throws UnknownHostException {
        InetAddress[] a = ZONE.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    }

    private final TargetPolicy policy = new TargetPolicy(false, TargetPolicyTest::zone);

    @Test
    void allows_a_host_whose_addresses_are_all_public() {
        assertThat(policy.check("public.test")).isInstanceOf(TargetPolicy.Allowed.class);
    }

    @Test
    void refuses_a_host_when_any_address_is_private() {
        TargetPolicy.Decision d = policy.check("mixed.test");
        assertThat(d).isInstanceOfSatisfying(TargetPolicy.Refused.class, r -> {
            assertThat(r.address().getHostAddress()).isEqualTo("10.0.0.5");
            assertThat(r.addressClass()).isEqualTo(AddressClass.PRIVATE);
            assertThat(r.reason()).contains("10.0.0.5", "private", "allow_private_targets");
        });
        assertThat(policy.check("mapped.test")).isInstanceOf(TargetPolicy.Refused.class);
    }

    @Test
    void refuses_loopback_through_the_real_resolver() {
        TargetPolicy real = TargetPolicy.of(false);
        assertThat(real.check("localhost")).isInstanceOfSatisfying(TargetPolicy.Refused.class,
                r -> assertThat(r.addressClass()).isEqualTo(AddressClass.LOOPBACK));
        assertThat(real.check("127.0.0.1")).isInstanceOf(TargetPolicy.Refused.class);
        assertThat(real.check("::ffff:127.0.0.1")).isInstanceOf(TargetPolicy.Refused.class);
        assertThat(real.check("169.254.169.254")).isInstanceOf(TargetPolicy.Refused.class);
        assertThat(real.check("0.0.0.0")).isInstanceOf(TargetPolicy.Refused.class);
    }

    @Test
    void reports_hosts_without_addresses_as_unresolvable() {
        assertThat(policy.check("nowhere.test")).isInstanceOf(TargetPolicy.Unresolvable.class);
        assertThat(policy.check("empty.test")).isInstanceOf(TargetPolicy.Unresolvable.class);
    }

    @Test
    void allows_everything_without_resolving_when_private_targets_are_allowed() {
        TargetPolicy open = new TargetPolicy(true, host -> {
            throw new AssertionError("must not resolve");
        });
        assertThat(open.check("mixed.test")).isInstanceOf(TargetPolicy.Allowed.class);
        assertThat(open.check("127.0.0.1")).isInstanceOf(TargetPolicy.Allowed.class);
    }
}
