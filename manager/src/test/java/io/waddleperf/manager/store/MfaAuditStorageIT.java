package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.AuditRepository.Entry;
import io.waddleperf.manager.store.AuditRepository.Filter;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MFA state, restricted sessions and the audit log on both databases. */
class MfaAuditStorageIT {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Filter ALL = new Filter(null, null, null, null, null, null, null, null);

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_step_is_consumed_once_even_by_concurrent_requests(Kind kind) throws Exception {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            MfaRepository mfa = new MfaRepository(t.db());
            UUID user = new UserRepository(t.db()).create("ann", "x", Role.USER, null, null, T0).id();
            assertThat(mfa.state(user)).isEqualTo(MfaRepository.State.NONE);
            assertThat(mfa.setPending(user, new byte[] {1, 2, 3}, T0)).isTrue();
            assertThat(mfa.state(user).enabled()).isFalse();
            assertThat(mfa.state(user).sealedSecret()).containsExactly(1, 2, 3);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Boolean>> same = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    same.add(() -> mfa.consumeStep(user, 1000));
                }
                int accepted = 0;
                for (Future<Boolean> f : pool.invokeAll(same)) {
                    accepted += f.get() ? 1 : 0;
                }
                assertThat(accepted).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(mfa.consumeStep(user, 999)).isFalse();
            assertThat(mfa.consumeStep(user, 1001)).isTrue();
            assertThat(mfa.state(user).lastStep()).isEqualTo(1001L);

            assertThat(mfa.enable(user, T0)).isTrue();
            assertThat(mfa.enable(user, T0)).isFalse();
            assertThat(mfa.setPending(user, new byte[] {4}, T0)).as("in force: disable first").isFalse();
            assertThat(mfa.enabledAmong(List.of(user, UUID.randomUUID()))).containsExactly(user);
            assertThat(mfa.disable(user, T0)).isTrue();
            assertThat(mfa.state(user)).satisfies(s -> {
                assertThat(s.enabled()).isFalse();
                assertThat(s.sealedSecret()).isNull();
                assertThat(s.lastStep()).isNull();
            });
            assertThat(mfa.disable(user, T0)).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void enabling_mfa_frees_the_users_sessions_that_could_only_set_it_up(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            SessionRepository sessions = new SessionRepository(t.db());
            MfaRepository mfa = new MfaRepository(t.db());
            UUID user = new UserRepository(t.db()).create("ann", "x", Role.GLOBAL_ADMIN, null, null, T0).id();
            byte[] token = Tokens.digest(Tokens.newSessionToken());
            sessions.create(token, null, user, T0, T0.plusSeconds(3600), null, true);
            assertThat(sessions.findSession(token, T0).orElseThrow().mfaSetupOnly()).isTrue();
            mfa.setPending(user, new byte[] {1}, T0);
            mfa.enable(user, T0);
            assertThat(sessions.findSession(token, T0).orElseThrow().mfaSetupOnly()).isFalse();
            sessions.restrictToMfaSetup(token);
            assertThat(sessions.findSession(token, T0).orElseThrow().mfaSetupOnly()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void audit_entries_page_newest_first_and_filter(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            AuditRepository audit = new AuditRepository(t.db());
            UUID ou = UUID.randomUUID();
            UUID actor = UUID.randomUUID();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                UUID id = UuidV7.next();
                ids.add(id);
                String action = i % 3 == 0 ? "organization.update" : i % 3 == 1 ? "user.update" : "user_group.update";
                audit.append(new Entry(id, T0.plusSeconds(i), i % 2 == 0 ? actor : null, "ann", "192.0.2.1", action,
                        action.substring(0, action.indexOf('.')), "t" + (i % 4), "name " + i, i < 10 ? ou : null,
                        "{\"i\":" + i + "}"));
            }
            List<UUID> newestFirst = ids.reversed();
            List<UUID> paged = new ArrayList<>();
            UUID before = null;
            for (int page = 0; page < 10; page++) {
                List<Entry> p = audit.list(new Filter(null, null, null, null, null, null, null, before), 10);
                p.forEach(e -> paged.add(e.id()));
                if (p.size() < 10) {
                    break;
                }
                before = p.getLast().id();
            }
            assertThat(paged).containsExactlyElementsOf(newestFirst);
            Entry newest = audit.list(ALL, 1).getFirst();
            assertThat(newest.occurredAt()).isEqualTo(T0.plusSeconds(24));
            assertThat(newest.details()).isEqualTo("{\"i\":24}");

            assertThat(audit.list(new Filter(ou, null, null, null, null, null, null, null), 100)).hasSize(10);
            assertThat(audit.list(new Filter(null, actor, null, null, null, null, null, null), 100)).hasSize(13);
            assertThat(audit.list(new Filter(null, null, "user.update", null, null, null, null, null), 100))
                    .extracting(Entry::action).containsOnly("user.update").hasSize(8);
            // the prefix's underscore is literal: user.* is not user_group.*
            assertThat(audit.list(new Filter(null, null, "user.*", null, null, null, null, null), 100))
                    .extracting(Entry::action).containsOnly("user.update").hasSize(8);
            assertThat(audit.list(new Filter(null, null, "user_group.*", null, null, null, null, null), 100)).hasSize(8);
            assertThat(audit.list(new Filter(null, null, null, "organization", "t0", null, null, null), 100))
                    .extracting(Entry::targetId).containsOnly("t0");
            assertThat(audit.list(new Filter(null, null, null, null, null, T0.plusSeconds(5), T0.plusSeconds(8), null), 100))
                    .extracting(Entry::id).containsExactly(ids.get(7), ids.get(6), ids.get(5));
            assertThat(new java.util.HashSet<>(audit.list(ALL, 100).stream().map(Entry::actorId).toList()))
                    .containsExactlyInAnyOrder(actor, null);
        }
    }
}
