package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import io.waddleperf.manager.store.ResultRepository.Outcome;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The storage layer on both databases it runs on: the embedded H2 (MariaDB mode) and the machine's MariaDB. */
class DatabaseIT {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    static ProbeResult result(UUID id, String target, Instant startedAt, boolean success, Double latencyMs) {
        return ProbeResult.builder().id(id).testType(TestType.TCP).target(target).targetHost("127.0.0.1")
                .targetIp("127.0.0.1").targetPort(8080).startedAt(startedAt).durationMs(12.5).success(success)
                .error(success ? null : "refused: connection refused").source(Source.AGENT)
                .device(new Device("SN-1", "host-1", "linux", "6.1", "agent", "0.1.0")).latencyMs(latencyMs)
                .packetLossPercent(success ? 0.0 : 100.0).build();
    }

    static Incoming incoming(ProbeResult r) {
        return new Incoming(r, Json.write(r));
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void migrates_an_empty_database_and_opens_a_migrated_one_unchanged(Kind kind) {
        try (TestDatabases.Fresh f = TestDatabases.fresh(kind)) {
            try (Database db = Database.open(f.url(), f.user(), null, 2, Duration.ofSeconds(5), Duration.ofSeconds(5), 3)) {
                new OrganizationRepository(db).create("ou-1", null, T0);
            }
            try (Database db = Database.open(f.url(), f.user(), null, 2, Duration.ofSeconds(5), Duration.ofSeconds(5), 3)) {
                assertThat(new OrganizationRepository(db).list()).extracting(Organization::name).containsExactly("ou-1");
                assertThat(db.notReadyReason()).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void stores_a_result_once_and_reports_the_second_submission_as_a_duplicate(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            ProbeResult r = result(UuidV7.next(), "tcp://127.0.0.1:8080", T0, true, 1.25);
            assertThat(results.store(List.of(incoming(r)), null, null, T0)).containsExactly(Map.entry(r.id(), Outcome.STORED));
            assertThat(results.store(List.of(incoming(r)), null, null, T0)).containsExactly(Map.entry(r.id(), Outcome.DUPLICATE));
            assertThat(results.count()).isEqualTo(1);
            ProbeResult back = Json.readResult(results.find(r.id()).orElseThrow().document());
            assertThat(back).isEqualTo(r);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_batch_repeating_an_id_and_mixing_new_and_stored_ones_stores_each_once(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            ProbeResult a = result(UuidV7.next(), "tcp://a:1", T0, true, 1.0);
            ProbeResult b = result(UuidV7.next(), "tcp://b:1", T0, true, 2.0);
            results.store(List.of(incoming(a)), null, null, T0);
            Map<UUID, Outcome> outcomes = results.store(List.of(incoming(a), incoming(b), incoming(b)), null, null, T0);
            assertThat(outcomes).containsExactly(Map.entry(a.id(), Outcome.DUPLICATE), Map.entry(b.id(), Outcome.STORED));
            assertThat(results.count()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void reads_are_limited_to_their_scope_and_ordered_newest_first(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            UUID ou1 = new OrganizationRepository(t.db()).create("ou-1", null, T0).id();
            UUID ou2 = new OrganizationRepository(t.db()).create("ou-2", null, T0).id();
            UserRepository users = new UserRepository(t.db());
            UUID alice = users.create("alice", "x", Role.USER, ou1, null, T0).id();
            UUID bob = users.create("bob", "x", Role.USER, ou2, null, T0).id();
            ProbeResult older = result(UuidV7.next(), "tcp://a:1", T0, true, 1.0);
            ProbeResult newer = result(UuidV7.next(), "tcp://a:1", T0.plusSeconds(60), true, 1.0);
            ProbeResult other = result(UuidV7.next(), "tcp://b:1", T0.plusSeconds(30), true, 1.0);
            results.store(List.of(incoming(older), incoming(newer)), ou1, alice, T0);
            results.store(List.of(incoming(other)), ou2, bob, T0);

            assertThat(results.recent(new ResultScope.All(), 10)).extracting(ResultRepository.Stored::id)
                    .containsExactly(newer.id(), other.id(), older.id());
            assertThat(results.recent(new ResultScope.Ou(ou1), 10)).extracting(ResultRepository.Stored::id)
                    .containsExactly(newer.id(), older.id());
            assertThat(results.recent(new ResultScope.Submitter(bob), 10)).extracting(ResultRepository.Stored::id)
                    .containsExactly(other.id());
            assertThat(results.recent(new ResultScope.All(), 1)).hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void time_ranges_are_half_open_and_keep_microseconds(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            ProbeResult at = result(UuidV7.next(), "tcp://a:1", T0, true, 1.0);
            results.store(List.of(incoming(at)), null, null, T0);
            List<ResultRepository.MetricRow> rows = new ArrayList<>();
            results.metricsBetween(new ResultScope.All(), RollupRepository.Filter.NONE, T0, T0.plusNanos(1000), rows::add);
            assertThat(rows).hasSize(1);
            rows.clear();
            // one microsecond earlier ends before it: the stored time kept its microseconds
            results.metricsBetween(new ResultScope.All(), RollupRepository.Filter.NONE, T0.minusSeconds(1), T0, rows::add);
            assertThat(rows).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void users_keys_and_sessions_are_found_by_digest_and_end_with_their_user(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            UserRepository users = new UserRepository(t.db());
            SessionRepository sessions = new SessionRepository(t.db());
            User u = users.create("carol", "hash", Role.GLOBAL_ADMIN, null, "c@example.org", T0);
            assertThat(users.findByUsername("carol")).contains(u);
            assertThatThrownBy(() -> users.create("carol", "hash", Role.USER, null, null, T0))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("taken");

            String key = Tokens.newApiKey();
            users.replaceApiKey(u.id(), Tokens.digest(key), key.substring(0, 8), T0);
            assertThat(users.findByApiKey(Tokens.digest(key))).map(User::id).contains(u.id());
            String next = Tokens.newApiKey();
            users.replaceApiKey(u.id(), Tokens.digest(next), next.substring(0, 8), T0);
            assertThat(users.findByApiKey(Tokens.digest(key))).isEmpty();

            String token = Tokens.newSessionToken();
            sessions.create(Tokens.digest(token), u.id(), T0, T0.plusSeconds(60));
            assertThat(sessions.findUser(Tokens.digest(token), T0.plusSeconds(59))).map(User::id).contains(u.id());
            assertThat(sessions.findUser(Tokens.digest(token), T0.plusSeconds(60))).isEmpty();
            assertThat(sessions.deleteExpired(T0.plusSeconds(61), 100)).isEqualTo(1);

            sessions.create(Tokens.digest(token), u.id(), T0, T0.plusSeconds(60));
            users.delete(u.id());
            assertThat(sessions.findUser(Tokens.digest(token), T0)).isEmpty();
            assertThat(users.findByApiKey(Tokens.digest(next))).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void an_organization_with_users_is_not_deleted_and_names_are_unique(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            Organization ou = ous.create("ou-1", "first", T0);
            assertThatThrownBy(() -> ous.create("ou-1", null, T0)).isInstanceOf(ConflictException.class)
                    .extracting(e -> ((ConflictException) e).field()).isEqualTo("name");
            new UserRepository(t.db()).create("dave", "x", Role.OU_ADMIN, ou.id(), null, T0);
            assertThatThrownBy(() -> ous.delete(ou.id())).isInstanceOf(ConflictException.class);
            assertThatThrownBy(() -> new UserRepository(t.db()).create("erin", "x", Role.USER, UUID.randomUUID(), null, T0))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("no organisation unit");
        }
    }

    /**
     * Two writers lock two rows in opposite order: the database picks a deadlock victim, which is rolled back and
     * retried with backoff, and both transactions end up committed. MariaDB only: on the embedded database write
     * transactions take turns, so two never hold row locks at once (next test).
     */
    @org.junit.jupiter.api.Test
    void deadlocked_writers_both_commit_after_the_victim_is_retried() throws Exception {
        try (TestDatabases.Opened t = TestDatabases.open(Kind.MARIADB)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            UUID a = ous.create("a", null, T0).id();
            UUID b = ous.create("b", null, T0).id();
            CyclicBarrier bothHoldFirstLock = new CyclicBarrier(2);
            AtomicInteger attempts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> one = pool.submit(() -> crossUpdate(t.db(), a, b, "one", bothHoldFirstLock, attempts));
                Future<?> two = pool.submit(() -> crossUpdate(t.db(), b, a, "two", bothHoldFirstLock, attempts));
                one.get(60, TimeUnit.SECONDS);
                two.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertThat(attempts.get()).as("transaction attempts (2 + the retried victim)").isGreaterThanOrEqualTo(3);
            // the later of the two commits wrote both rows
            String da = ous.find(a).orElseThrow().description();
            String db = ous.find(b).orElseThrow().description();
            assertThat(da).isEqualTo(db).isIn("one", "two");
        }
    }

    /**
     * On the embedded database a write transaction starts only after the one under way has committed: H2 writes its
     * file at each commit from tables snapshotted one by one, and another connection's changes made meanwhile could
     * reach the file half-made (RollupCrashIT). Readers do not wait.
     */
    @org.junit.jupiter.api.Test
    void on_the_embedded_database_write_transactions_take_turns_and_readers_do_not_wait() throws Exception {
        try (TestDatabases.Opened t = TestDatabases.open(Kind.H2)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            UUID a = ous.create("a", null, T0).id();
            java.util.concurrent.CountDownLatch firstInside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> one = pool.submit(() -> t.db().inTransaction(h -> {
                    h.createUpdate("UPDATE organizations SET description = 'one' WHERE id = :id").bind("id", a).execute();
                    firstInside.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
                assertThat(firstInside.await(30, TimeUnit.SECONDS)).isTrue();
                java.util.concurrent.atomic.AtomicReference<String> secondSaw = new java.util.concurrent.atomic.AtomicReference<>();
                Future<?> two = pool.submit(() -> t.db().inTransaction(h -> {
                    // what the first wrote is visible (committed) when the second begins
                    secondSaw.set(h.createQuery("SELECT description FROM organizations WHERE id = :id").bind("id", a)
                            .mapTo(String.class).one());
                    return h.createUpdate("UPDATE organizations SET description = 'two' WHERE id = :id").bind("id", a)
                            .execute();
                }));
                // a reader meanwhile sees the committed state at once
                assertThat(ous.find(a).orElseThrow().description()).isNull();
                Thread.sleep(300);
                assertThat(two.isDone()).as("the second writer waits while the first is open").isFalse();
                release.countDown();
                one.get(30, TimeUnit.SECONDS);
                two.get(30, TimeUnit.SECONDS);
                assertThat(secondSaw.get()).as("the second writer began after the first committed").isEqualTo("one");
                assertThat(ous.find(a).orElseThrow().description()).isEqualTo("two");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void crossUpdate(Database db, UUID first, UUID second, String value, CyclicBarrier barrier,
                                    AtomicInteger attempts) {
        int[] mine = {0};
        db.inTransaction(h -> {
            attempts.incrementAndGet();
            h.createUpdate("UPDATE organizations SET description = :v WHERE id = :id").bind("v", value).bind("id", first).execute();
            if (mine[0]++ == 0) {
                try {
                    barrier.await(30, TimeUnit.SECONDS); // both now hold their first row: the next update deadlocks
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            h.createUpdate("UPDATE organizations SET description = :v WHERE id = :id").bind("v", value).bind("id", second).execute();
            return null;
        });
    }
}
