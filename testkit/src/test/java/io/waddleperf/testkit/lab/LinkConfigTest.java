package io.waddleperf.testkit.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkConfigTest {

    @Test
    void the_default_is_a_plain_ethernet_link() {
        assertThat(LinkConfig.DEFAULT.mtuBytes()).isEqualTo(1500);
        assertThat(LinkConfig.DEFAULT.rateBitsPerSecond()).isZero();
        assertThat(LinkConfig.DEFAULT.lossPerMille()).isZero();
    }

    @Test
    void loss_percent_is_kept_in_thousandths() {
        assertThat(LinkConfig.DEFAULT.withLossPercent(20).lossPerMille()).isEqualTo(200);
        assertThat(LinkConfig.DEFAULT.withLossPerMille(5).lossFraction()).isEqualTo(0.005);
    }

    @Test
    void the_default_burst_is_ten_milliseconds_of_rate_but_at_least_four_frames() {
        assertThat(LinkConfig.DEFAULT.withRate(10_000_000).effectiveBurstBytes()).isEqualTo(12_500);
        assertThat(LinkConfig.DEFAULT.withRate(64_000).effectiveBurstBytes()).isEqualTo(4 * 1514);
        assertThat(LinkConfig.DEFAULT.withRate(10_000_000, 3000, Duration.ofMillis(5)).effectiveBurstBytes())
                .isEqualTo(3000);
    }

    @Test
    void rejects_values_the_kernel_would_refuse_naming_the_field() {
        assertThatThrownBy(() -> LinkConfig.DEFAULT.withMtu(67)).hasMessageContaining("mtuBytes");
        assertThatThrownBy(() -> LinkConfig.DEFAULT.withLossPerMille(1001)).hasMessageContaining("lossPerMille");
        assertThatThrownBy(() -> LinkConfig.DEFAULT.withRate(-1)).hasMessageContaining("rateBitsPerSecond");
        assertThatThrownBy(() -> LinkConfig.DEFAULT.withRate(1_000_000, 0, Duration.ZERO))
                .hasMessageContaining("tbfLatency");
    }

    @Test
    void the_builder_rejects_links_and_routers_that_do_not_exist() {
        assertThatThrownBy(() -> Lab.builder().routers(1).link(3, LinkConfig.DEFAULT).build())
                .hasMessageContaining("link 3 does not exist");
        assertThatThrownBy(() -> Lab.builder().routers(1).suppressFragNeeded(2).build())
                .hasMessageContaining("router must be 1..1");
        assertThatThrownBy(() -> Lab.builder().link(0, LinkConfig.DEFAULT.withMtu(576)).build())
                .hasMessageContaining("ipv6(false)");
    }

    @Test
    void addresses_follow_the_plan_of_the_lab_id() {
        AddressPlan plan = new AddressPlan("00a1ff");
        // id 0x00a1ff: second octet 128 + 0x7f = 255, third base 32 * ((0xa1ff >> 7) & 7) = 32 * 3 = 96.
        assertThat(plan.v4(2, false).getHostAddress()).isEqualTo("10.255.98.1");
        assertThat(plan.v4(2, true).getHostAddress()).isEqualTo("10.255.98.2");
        assertThat(plan.v4Subnet(2)).isEqualTo("10.255.98.0/24");
        assertThat(plan.v6(10, true).getHostAddress()).isEqualTo("fd00:a1ff:a:0:0:0:0:2");
        assertThat(plan.v6Subnet(10)).isEqualTo("fd00:a1ff:a::/64");
    }
}
