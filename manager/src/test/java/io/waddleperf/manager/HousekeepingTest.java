package io.waddleperf.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.SessionRepository;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.UserRepository;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HousekeepingTest {

    @Test
    void deletes_every_expired_session_in_batches_and_keeps_live_ones() {
        try (TestDatabases.Opened t = TestDatabases.open(TestDatabases.Kind.H2)) {
            Instant t0 = Instant.parse("2026-02-01T00:00:00Z");
            UUID user = new UserRepository(t.db()).create("u1", "x", Role.USER, null, null, t0).id();
            SessionRepository sessions = new SessionRepository(t.db());
            for (int i = 0; i < Housekeeping.BATCH + 20; i++) {
                sessions.create(Tokens.digest(Tokens.newSessionToken()), user, t0, t0.plusSeconds(60));
            }
            String live = Tokens.newSessionToken();
            sessions.create(Tokens.digest(live), user, t0, t0.plusSeconds(3600));
            AtomicReference<Instant> now = new AtomicReference<>(t0.plusSeconds(120));
            try (Housekeeping h = new Housekeeping(sessions, now::get)) {
                assertThat(h.runOnce()).isEqualTo(Housekeeping.BATCH + 20);
                assertThat(h.runOnce()).isZero();
            }
            assertThat(sessions.findUser(Tokens.digest(live), now.get())).isPresent();
        }
    }
}
