package io.waddleperf.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbIpCityDatabaseTest {

    // SHA-512 of "abc" (FIPS 180-2 appendix C.1), base64
    private static final String ABC = "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";

    @Test
    void accepts_a_file_whose_sha512_matches(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.tgz"), "abc", StandardCharsets.US_ASCII);
        assertThatCode(() -> DbIpCityDatabase.checkIntegrity(file, ABC)).doesNotThrowAnyException();
    }

    @Test
    void refuses_a_file_whose_sha512_differs_and_names_both_values(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.tgz"), "abd", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> DbIpCityDatabase.checkIntegrity(file, ABC))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a.tgz does not match the pinned integrity")
                .hasMessageContaining(ABC);
    }

    @Test
    void refuses_integrity_values_of_other_algorithms(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.tgz"), "abc", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> DbIpCityDatabase.checkIntegrity(file, "sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0="))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
