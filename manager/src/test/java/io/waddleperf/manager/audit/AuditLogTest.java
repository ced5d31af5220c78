package io.waddleperf.manager.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditLogTest {

    private static final AuditLog.Actor ACTOR = new AuditLog.Actor(UUID.randomUUID(), "ann", "192.0.2.1");
    private static final AuditLog.Target TARGET = new AuditLog.Target("user", "x", "bob", null);

    @Test
    void details_that_could_hold_a_secret_may_only_say_it_changed() {
        try (TestDatabases.Opened t = TestDatabases.open(Kind.H2)) {
            AuditLog log = new AuditLog(new AuditRepository(t.db()), InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")));
            for (String name : List.of("password", "new_password", "api_key", "secret", "mfa_secret", "token", "csrf_token",
                    "key_hash", "PasswordHash", "mfa_code")) {
                assertThatThrownBy(() -> log.record(ACTOR, "user.update", TARGET, Map.of(name, "hunter2")))
                        .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
                assertThatThrownBy(() -> log.record(ACTOR, "user.update", TARGET, Map.of("nested", Map.of(name, "x"))))
                        .as("nested " + name).isInstanceOf(IllegalArgumentException.class);
                log.record(ACTOR, "user.update", TARGET, Map.of(name, true));
            }
            assertThatThrownBy(() -> log.record(ACTOR, "Update", TARGET, Map.of())).hasMessageContaining("Update");
            assertThatThrownBy(() -> log.record(ACTOR, "user.update", TARGET, Map.of("when", new Object())))
                    .hasMessageContaining("when");
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("description", "x".repeat(5000));
            AuditLog.putChange(details, "role", "user", "ou_admin");
            AuditLog.putChange(details, "email", "a@example.org", "a@example.org");
            log.record(ACTOR, "user.update", TARGET, details);
            AuditRepository.Entry e = new AuditRepository(t.db()).list(new AuditRepository.Filter(null, null, null, null,
                    null, null, null, null), 1).getFirst();
            assertThat(e.details()).contains("\"role\":{\"from\":\"user\",\"to\":\"ou_admin\"}").doesNotContain("email")
                    .hasSizeLessThan(AuditLog.MAX_DETAILS_CHARS);
            assertThat(e.actorName()).isEqualTo("ann");
            assertThat(e.clientAddress()).isEqualTo("192.0.2.1");
        }
    }
}
