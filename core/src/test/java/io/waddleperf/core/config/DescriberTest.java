package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescriberTest {

    @Test
    void describes_a_config_with_external_names_units_and_masked_secrets() {
        SampleConfig config = ConfigLoaderTest.LOADER.load(null, Map.of(
                "WADDLEPERF_SAMPLE_API_KEY", "hunter2",
                "WADDLEPERF_SAMPLE_TLS__KEY_PASSWORD", "swordfish"), Map.of(
                "tls.cert_file", "/etc/c.pem", "cors_origins", "https://a.example,it's", "idle_timeout", "1.5s"));

        String text = ConfigLoader.describe(config);

        assertThat(text).doesNotContain("hunter2").doesNotContain("swordfish");
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("swordfish");
        assertThat(text).isEqualTo("""
                http_port: 8080
                bind_address: 0.0.0.0
                allow_private_targets: false
                idle_timeout: 1.5s
                max_body_bytes: 1048576
                max_rate_bits_per_second: 1000000000
                mode: tcp
                cors_origins: [https://a.example, 'it''s']
                extra_ports: []
                tls:
                  enabled: false
                  cert_file: /etc/c.pem
                  key_password: ******
                limits:
                  max_concurrent_tests: 1
                  max_duration: 1m
                  max_upload_bytes: 104857600
                weights:
                  a: 1
                sinks:
                  main:
                    url: http://127.0.0.1:5000/
                    timeout: 5s
                peers: []
                api_key: ******
                overhead_factor: null
                """);
    }

    @Test
    void describes_lists_of_records_as_yaml_blocks() {
        record Holder(List<SampleConfig.Peer> peers, Map<String, List<Integer>> ports) {
        }
        Holder holder = new Holder(List.of(new SampleConfig.Peer("east", URI.create("http://e/")),
                new SampleConfig.Peer("west", URI.create("http://w/"))), Map.of("b", List.of(2), "a", List.of()));
        assertThat(ConfigLoader.describe(holder)).isEqualTo("""
                peers:
                  - name: east
                    url: http://e/
                  - name: west
                    url: http://w/
                ports:
                  a: []
                  b: [2]
                """);
    }

    @Test
    void a_secret_masks_itself_everywhere_but_reveal() {
        Secret secret = Secret.of("s3cr3t");
        assertThat(secret.toString()).isEqualTo("******");
        assertThat(String.valueOf(List.of(secret))).doesNotContain("s3cr3t");
        assertThat(secret.reveal()).isEqualTo("s3cr3t");
        assertThat(secret).isEqualTo(Secret.of("s3cr3t")).isNotEqualTo(Secret.of("other"));
        assertThat(new SampleConfig.Tls(true, Path.of("/c"), secret).toString()).doesNotContain("s3cr3t");
        assertThat(ConfigLoader.describe(new SampleConfig.Limits(1, Duration.ofMillis(250), 1)))
                .contains("max_duration: 250ms");
    }
}
