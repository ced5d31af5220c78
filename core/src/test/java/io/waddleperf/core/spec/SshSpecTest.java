package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SshSpecTest {

    private static SshSpec parse(String target, Map<String, String> params) {
        return (SshSpec) TargetParser.parse(target, new ProbeOptions(null, null, null, null, params));
    }

    @Test
    void takes_the_user_from_the_uri_and_defaults_port_count_and_upload() {
        SshSpec s = parse("ssh://alice@example.net", Map.of());

        assertThat(s.user()).isEqualTo("alice");
        assertThat(s.endpoint().port()).isEqualTo(22);
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.uploadBytes()).isEqualTo(SshSpec.DEFAULT_UPLOAD_BYTES);
        assertThat(s.authenticates()).isFalse();
    }

    @Test
    void authenticates_with_a_key_file_and_reads_upload_bytes() {
        SshSpec s = parse("ssh://alice@example.net:2222?upload_bytes=0", Map.of("key_file", "/k"));

        assertThat(s.authenticates()).isTrue();
        assertThat(s.endpoint().port()).isEqualTo(2222);
        assertThat(s.uploadBytes()).isZero();
    }

    @Test
    void refuses_a_password_in_the_uri() {
        assertThatThrownBy(() -> parse("ssh://alice:secret@example.net", Map.of()))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.getMessage()).contains("target").doesNotContain("secret"));
    }

    @Test
    void rejects_a_negative_upload_size_naming_the_option() {
        assertThatThrownBy(() -> parse("ssh://example.net", Map.of("upload_bytes", "-1")))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.getMessage()).contains("upload_bytes"));
    }

    @Test
    void hides_the_password_in_its_text_form() {
        assertThat(parse("ssh://alice@example.net", Map.of("password", "secret")).toString()).doesNotContain("secret");
    }
}
