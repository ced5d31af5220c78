package io.waddleperf.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.SessionRepository;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.UserRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HousekeepingTest {

    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void deletes_every_expired_session_in_batches_and_keeps_live_ones(TestDatabases.Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            UUID user = new UserRepository(t.db()).create("u1", "x", Role.USER, null, null, T0).id();
            SessionRepository sessions = new SessionRepository(t.db());
            for (int i = 0; i < Housekeeping.BATCH + 20; i++) {
                sessions.create(Tokens.digest(Tokens.newSessionToken()), user, T0, T0.plusSeconds(60));
            }
            String live = Tokens.newSessionToken();
            sessions.create(Tokens.digest(live), user, T0, T0.plusSeconds(3600));
            MutableClock now = new MutableClock(T0.plusSeconds(120));
            try (Housekeeping h = housekeeping(t, sessions, ManagerConfig.Retention.defaults(), now)) {
                assertThat(h.runOnce().sessions()).isEqualTo(Housekeeping.BATCH + 20);
                assertThat(h.runOnce().sessions()).isZero();
            }
            assertThat(sessions.findUser(Tokens.digest(live), now.instant())).isPresent();
        }
    }

    /**
     * Audit log entries older than {@code retention.audit} go, in batches, oldest first; younger ones stay and are still
     * listed.
     */
    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void retention_deletes_audit_entries_past_their_age_in_batches_and_keeps_the_rest(TestDatabases.Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            AuditRepository audit = new AuditRepository(t.db());
            // one entry a day for ten days
            for (int day = 0; day < 10; day++) {
                audit.append(new AuditRepository.Entry(UuidV7.next(), T0.plus(Duration.ofDays(day)), null, "admin",
                        "127.0.0.1", "user.update", "user", "u" + day, "u" + day, null, null));
            }
            ManagerConfig.Retention retention = ManagerConfig.of(Map.of("retention.audit", "3d",
                    "retention.batch_size", "2")).retention();
            MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(2)));
            try (Housekeeping h = housekeeping(t, new SessionRepository(t.db()), retention, clock)) {
                assertThat(h.runOnce().audit()).isZero();
                // day 0..4 are more than 3 days old at day 7 + 1 minute
                clock.advance(Duration.ofDays(5).plusMinutes(1));
                assertThat(h.runOnce().audit()).isEqualTo(5);
                List<AuditRepository.Entry> left = audit.list(new AuditRepository.Filter(null, null, null, null, null,
                        null, null, null), 100);
                assertThat(left).extracting(AuditRepository.Entry::targetId)
                        .containsExactly("u9", "u8", "u7", "u6", "u5");
                assertThat(h.runOnce().audit()).isZero();
            }
        }
    }

    /**
     * Results of each AutoPerf tier and of none, and their rollups, age past their retention as the clock moves on;
     * each goes in its own round, in batches of the configured size, and the younger ones stay.
     */
    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void retention_deletes_raw_results_per_tier_and_rollups_per_tier_in_batches(TestDatabases.Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            // 7 results of each tier and of none, one per minute, starting at T0
            for (Integer tier : new Integer[] {null, 1, 2, 3}) {
                List<ResultRepository.Incoming> batch = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    ProbeResult r = ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target("tcp://a:" + tier)
                            .startedAt(T0.plusSeconds(60L * i)).durationMs(1.0).success(true).source(Source.AGENT)
                            .tier(tier).latencyMs(2.0 + i).build();
                    batch.add(new ResultRepository.Incoming(r, io.waddleperf.core.result.Json.write(r)));
                }
                results.store(batch, null, null, T0);
            }
            assertThat(results.count()).isEqualTo(28);
            // in the manager the background folder does this; retention deletes folded rollup rows
            assertThat(rollups.foldAll()).isEqualTo(4);
            assertThat(rollups.count(RollupTier.MINUTE)).isEqualTo(28);
            ManagerConfig.Retention retention = ManagerConfig.of(Map.of("retention.tier1_results", "2d",
                    "retention.tier2_results", "4d", "retention.results", "6d", "retention.tier3_results", "8d",
                    "retention.minute_rollups", "10d", "retention.hour_rollups", "12d", "retention.day_rollups", "14d",
                    "retention.batch_size", "3")).retention();
            SessionRepository sessions = new SessionRepository(t.db());
            MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(2)));
            try (Housekeeping h = housekeeping(t, sessions, retention, clock)) {
                // two days after the first result: tier 1's first ones are due, one minute apart
                assertThat(h.runOnce().results()).isZero();
                clock.advance(Duration.ofSeconds(150));
                assertThat(h.runOnce().results()).isEqualTo(3);
                clock.advance(Duration.ofHours(1));
                assertThat(h.runOnce().results()).isEqualTo(4);
                assertThat(results.count()).isEqualTo(21);
                clock.advance(Duration.ofDays(2));
                assertThat(h.runOnce()).isEqualTo(new Housekeeping.Round(0, 7, 0, 0));
                clock.advance(Duration.ofDays(2));
                assertThat(h.runOnce().results()).isEqualTo(7);
                clock.advance(Duration.ofDays(2));
                Housekeeping.Round r = h.runOnce();
                assertThat(r.results()).isEqualTo(7);
                assertThat(results.count()).isZero();
                // the statistics outlive the raw rows
                assertThat(rollups.count(RollupTier.MINUTE)).isEqualTo(28);
                assertThat(rollups.count(RollupTier.HOUR)).isEqualTo(4);
                clock.advance(Duration.ofDays(2));
                assertThat(h.runOnce().rollups()).isEqualTo(28);
                // hours and days: four per-series rows (one per tier's target), one per-type row (all tcp, no OU)
                // and four per-target rows (each target has one series)
                assertThat(rollups.countPerType(RollupTier.HOUR)).isOne();
                assertThat(rollups.count(RollupTier.HOUR, RollupRepository.Aggregate.TARGET)).isEqualTo(4);
                clock.advance(Duration.ofDays(2));
                assertThat(h.runOnce().rollups()).isEqualTo(9);
                assertThat(rollups.countPerType(RollupTier.HOUR)).isZero();
                assertThat(rollups.count(RollupTier.HOUR, RollupRepository.Aggregate.TARGET)).isZero();
                clock.advance(Duration.ofDays(2));
                assertThat(h.runOnce().rollups()).isEqualTo(9);
                assertThat(rollups.count(RollupTier.DAY)).isZero();
                assertThat(rollups.countPerType(RollupTier.DAY)).isZero();
                assertThat(rollups.count(RollupTier.DAY, RollupRepository.Aggregate.TARGET)).isZero();
            }
        }
    }

    private static Housekeeping housekeeping(TestDatabases.Opened t, SessionRepository sessions,
                                             ManagerConfig.Retention retention, MutableClock clock) {
        return new Housekeeping(sessions, new ResultRepository(t.db()), new RollupRepository(t.db()),
                new AuditRepository(t.db()), retention, clock);
    }
}
