package io.waddleperf.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Reader;
import io.waddleperf.testkit.DbIpCityDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GeoIP lookups against the real DB-IP lite City database (fetched once with npm, cached outside the repository). */
class GeoIpIT {

    @TempDir
    Path tmp;

    @Test
    void finds_the_country_of_a_well_known_public_address() throws IOException {
        try (GeoIp geo = GeoIp.open(List.of(DbIpCityDatabase.ipv4(), DbIpCityDatabase.ipv6()), Duration.ofMinutes(1))) {
            GeoLocation google = geo.lookup(InetAddress.ofLiteral("8.8.8.8"));
            assertThat(google.scope()).isEqualTo(AddressScope.PUBLIC);
            assertThat(google.countryCode()).isEqualTo("US");
            assertThat(google.latitude()).isBetween(-90.0, 90.0);
            GeoLocation google6 = geo.lookup(InetAddress.ofLiteral("2001:4860:4860::8888"));
            assertThat(google6.countryCode()).isEqualTo(rawCountry(DbIpCityDatabase.ipv6(), "2001:4860:4860::8888"))
                    .matches("[A-Z]{2}");
            assertThat(geo.databases()).extracting(GeoIp.DatabaseInfo::schema).containsOnly("flat");
        }
    }

    @Test
    void agrees_with_the_database_records_themselves() throws Exception {
        Path v4 = DbIpCityDatabase.ipv4();
        try (GeoIp geo = GeoIp.open(List.of(v4), Duration.ofMinutes(1)); Reader raw = new Reader(v4.toFile())) {
            int checked = 0;
            int seen = 0;
            for (var networks = raw.networks(false, Map.class); networks.hasNext(); ) {
                var network = networks.next();
                // every 5000th network, so the sample spreads over the whole address space
                if (seen++ % 5000 != 0) {
                    continue;
                }
                InetAddress first = network.network().networkAddress();
                if (AddressScope.of(first) != AddressScope.PUBLIC) {
                    continue;
                }
                GeoLocation found = geo.lookup(first);
                assertThat(found.countryCode()).as(first.getHostAddress()).isEqualTo(network.data().get("country_code"));
                assertThat(found.city()).as(first.getHostAddress()).isEqualTo(blankToNull(network.data().get("city")));
                if (++checked == 50) {
                    break;
                }
            }
            assertThat(checked).isEqualTo(50);
        }
    }

    @Test
    void labels_private_and_loopback_addresses_without_looking_them_up() throws IOException {
        try (GeoIp geo = GeoIp.open(List.of(DbIpCityDatabase.ipv4()), Duration.ofMinutes(1))) {
            GeoLocation lan = geo.lookup(InetAddress.ofLiteral("192.168.1.20"));
            assertThat(lan.scope()).isEqualTo(AddressScope.PRIVATE);
            assertThat(lan.countryCode()).isNull();
            assertThat(lan.scope().label(InetAddress.ofLiteral("192.168.1.20"))).isEqualTo("private IPv4 access");
            assertThat(geo.lookup(InetAddress.ofLiteral("127.0.0.1")).scope()).isEqualTo(AddressScope.LOOPBACK);
            assertThat(geo.lookup(InetAddress.ofLiteral("::1")).scope()).isEqualTo(AddressScope.LOOPBACK);
            assertThat(geo.lookup(InetAddress.ofLiteral("100.64.3.4")).scope()).isEqualTo(AddressScope.CGNAT);
            assertThat(geo.lookup(InetAddress.ofLiteral("fd00::5")).scope()).isEqualTo(AddressScope.UNIQUE_LOCAL);
        }
    }

    @Test
    void reloads_a_database_replaced_on_disk_and_keeps_the_old_one_when_the_new_is_broken() throws IOException {
        Path live = tmp.resolve("city.mmdb");
        Files.copy(DbIpCityDatabase.ipv4(), live);
        long[] now = {0};
        try (GeoIp geo = GeoIp.open(List.of(live), Duration.ofSeconds(10), () -> now[0])) {
            assertThat(geo.databases().getFirst().ipVersion()).isEqualTo(4);
            assertThat(geo.lookup(InetAddress.ofLiteral("2001:4860:4860::8888")).countryCode()).isNull();

            // replaced the way geoipupdate does it: write elsewhere, rename over
            Path next = tmp.resolve("city.mmdb.new");
            Files.copy(DbIpCityDatabase.ipv6(), next);
            Files.move(next, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(geo.lookup(InetAddress.ofLiteral("2001:4860:4860::8888")).countryCode())
                    .as("not checked again before the interval").isNull();
            now[0] += Duration.ofSeconds(11).toNanos();
            String expected = rawCountry(DbIpCityDatabase.ipv6(), "2001:4860:4860::8888");
            assertThat(geo.lookup(InetAddress.ofLiteral("2001:4860:4860::8888")).countryCode()).isEqualTo(expected);
            assertThat(geo.databases().getFirst().ipVersion()).isEqualTo(6);

            Files.writeString(next, "not a database");
            Files.move(next, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(geo.reloadChanged()).isZero();
            assertThat(geo.lookup(InetAddress.ofLiteral("2001:4860:4860::8888")).countryCode()).isEqualTo(expected);
        }
    }

    @Test
    void refuses_a_file_that_is_not_a_database_naming_it() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.mmdb"), "hello");
        assertThatThrownBy(() -> GeoIp.open(List.of(junk), Duration.ofMinutes(1)))
                .isInstanceOf(IOException.class).hasMessageContaining("junk.mmdb");
        assertThatThrownBy(() -> GeoIp.open(List.of(tmp.resolve("missing.mmdb")), Duration.ofMinutes(1)))
                .isInstanceOf(IOException.class).hasMessageContaining("missing.mmdb");
    }

    /** The country the file's own record gives, read with maxmind-db's low-level reader. */
    private static String rawCountry(Path file, String ip) throws IOException {
        try (Reader raw = new Reader(file.toFile())) {
            return (String) raw.get(InetAddress.ofLiteral(ip), Map.class).get("country_code");
        }
    }

    private static Object blankToNull(Object o) {
        return o instanceof String s && s.isBlank() ? null : o;
    }
}
