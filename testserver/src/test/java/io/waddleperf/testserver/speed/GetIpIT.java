package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.testkit.DbIpCityDatabase;
import io.waddleperf.testserver.LoopbackConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LibreSpeed's getIP answered from the real DB-IP lite database, behind a trusted proxy naming the client. */
class GetIpIT {

    @TempDir
    Path dataDir;

    @Test
    void labels_a_loopback_caller_like_librespeed() throws Exception {
        try (SpeedServer s = new SpeedServer(dataDir, SpeedConfig.defaults())) {
            JsonNode body = Json.mapper().readTree(s.getText("/getIP.php?isp=true&distance=km").body());
            assertThat(body.path("processedString").asText()).isEqualTo("127.0.0.1 - localhost IPv4 access");
            assertThat(body.path("rawIspInfo").asText()).isEmpty();
        }
    }

    @Test
    void names_the_country_and_distance_of_a_public_client_from_the_database() throws Exception {
        SpeedConfig speed = SpeedConfig.defaults().withGeoIp(List.of(DbIpCityDatabase.ipv4(), DbIpCityDatabase.ipv6()),
                0.0, 0.0);
        try (SpeedServer s = new SpeedServer(LoopbackConfig.of(dataDir, "auth_disabled", "true",
                "trusted_proxies", "127.0.0.0/8").withSpeed(speed))) {
            JsonNode body = Json.mapper().readTree(s.getText("/backend/getIP.php?isp=true&distance=km",
                    "X-Forwarded-For", "8.8.8.8").body());
            assertThat(body.path("processedString").asText()).startsWith("8.8.8.8 - Unknown ISP, US (").endsWith(" km)");
            assertThat(body.path("rawIspInfo").path("country").asText()).isEqualTo("US");
            assertThat(body.path("rawIspInfo").path("loc").asText()).matches("-?[0-9.]+,-?[0-9.]+");
            JsonNode plain = Json.mapper().readTree(s.getText("/getIP", "X-Forwarded-For", "8.8.8.8").body());
            assertThat(plain.path("processedString").asText()).isEqualTo("8.8.8.8");
            assertThat(s.getText("/getIP?isp=true&distance=parsecs").statusCode()).isEqualTo(400);
        }
    }
}
