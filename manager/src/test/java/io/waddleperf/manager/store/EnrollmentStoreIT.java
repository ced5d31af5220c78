package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.AgentConfig.Scope;
import io.waddleperf.manager.store.DeviceRepository.Enrollment;
import io.waddleperf.manager.store.DeviceRepository.Facts;
import io.waddleperf.manager.store.DeviceRepository.Outcome;
import io.waddleperf.manager.store.DeviceRepository.Search;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Enrolment secrets, devices and agent configurations on both databases the manager runs on. */
class EnrollmentStoreIT {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    /** A fresh secret of {@code ou}: its text and the repository row. */
    private record Secret(String text, EnrollmentSecret row) {
    }

    private static Secret secret(EnrollmentSecretRepository secrets, UUID ou, Instant expires) {
        String text = Tokens.newEnrollmentSecret();
        return new Secret(text, secrets.create(ou, "s", Tokens.digest(text), text.substring(0, 8), null, T0, expires));
    }

    private static Enrollment enroll(DeviceRepository devices, String secret, String serial, String credential, Instant now) {
        return devices.enroll(Tokens.digest(secret), new Facts(serial, "host-" + serial, "linux", "6.1", "agent", "1.0"),
                Tokens.digest(credential), credential.substring(0, 8), "192.0.2.7", now);
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_device_enrols_once_re_enrols_in_its_ou_and_is_refused_by_another_ou(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            UUID ou1 = ous.create("ou-1", null, T0).id();
            UUID ou2 = ous.create("ou-2", null, T0).id();
            EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(t.db());
            DeviceRepository devices = new DeviceRepository(t.db());
            Secret s1 = secret(secrets, ou1, null);
            Secret s2 = secret(secrets, ou2, null);

            String c1 = Tokens.newDeviceCredential();
            Enrollment first = enroll(devices, s1.text(), "SN-1", c1, T0);
            assertThat(first.outcome()).isEqualTo(Outcome.ENROLLED);
            assertThat(first.device().ouId()).isEqualTo(ou1);
            assertThat(first.device().lastSeenAt()).as("enrolling is not a check-in").isNull();
            assertThat(first.device().enrolledAt()).isEqualTo(T0);
            assertThat(devices.findByCredential(Tokens.digest(c1))).map(EnrolledDevice::serial).contains("SN-1");

            String c2 = Tokens.newDeviceCredential();
            Enrollment again = devices.enroll(Tokens.digest(s1.text()), new Facts("SN-1", null, null, "6.2", null, "1.1"),
                    Tokens.digest(c2), c2.substring(0, 8), "192.0.2.8", T0.plusSeconds(60));
            assertThat(again.outcome()).isEqualTo(Outcome.RE_ENROLLED);
            assertThat(again.device().id()).isEqualTo(first.device().id());
            assertThat(again.device().hostname()).as("unreported facts are kept").isEqualTo("host-SN-1");
            assertThat(again.device().osVersion()).isEqualTo("6.2");
            assertThat(devices.findByCredential(Tokens.digest(c1))).as("the old credential is gone").isEmpty();
            assertThat(devices.findByCredential(Tokens.digest(c2))).isPresent();

            Enrollment elsewhere = enroll(devices, s2.text(), "SN-1", Tokens.newDeviceCredential(), T0);
            assertThat(elsewhere.outcome()).isEqualTo(Outcome.OTHER_OU);
            assertThat(devices.find(first.device().id()).orElseThrow().ouId()).isEqualTo(ou1);
            assertThat(devices.findByCredential(Tokens.digest(c2))).as("a refused enrolment changes nothing").isPresent();

            assertThat(enroll(devices, "wpe_not-a-secret", "SN-2", Tokens.newDeviceCredential(), T0).outcome())
                    .isEqualTo(Outcome.BAD_SECRET);
            assertThat(devices.findBySerial("SN-2")).isEmpty();

            devices.setActive(first.device().id(), false, T0);
            assertThat(enroll(devices, s1.text(), "SN-1", Tokens.newDeviceCredential(), T0).outcome())
                    .isEqualTo(Outcome.DEACTIVATED);
            assertThat(devices.findByCredential(Tokens.digest(c2)).orElseThrow().active()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void revoked_and_expired_secrets_enrol_nothing_and_listings_never_hold_the_secret(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            UUID ou = new OrganizationRepository(t.db()).create("ou-1", null, T0).id();
            EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(t.db());
            DeviceRepository devices = new DeviceRepository(t.db());
            Secret revoked = secret(secrets, ou, null);
            Secret expiring = secret(secrets, ou, T0.plusSeconds(3600));
            assertThat(secrets.revoke(revoked.row().id(), T0)).isTrue();
            assertThat(secrets.revoke(UUID.randomUUID(), T0)).isFalse();
            assertThat(enroll(devices, revoked.text(), "SN-r", Tokens.newDeviceCredential(), T0).outcome())
                    .isEqualTo(Outcome.BAD_SECRET);
            assertThat(enroll(devices, expiring.text(), "SN-e", Tokens.newDeviceCredential(), T0.plusSeconds(3600))
                    .outcome()).isEqualTo(Outcome.BAD_SECRET);
            assertThat(enroll(devices, expiring.text(), "SN-e", Tokens.newDeviceCredential(), T0.plusSeconds(3599))
                    .outcome()).isEqualTo(Outcome.ENROLLED);

            List<EnrollmentSecret> listed = secrets.list(ou);
            assertThat(listed).extracting(EnrollmentSecret::id).containsExactlyInAnyOrder(revoked.row().id(),
                    expiring.row().id());
            assertThat(listed.toString()).doesNotContain(revoked.text(), expiring.text());
            assertThat(secrets.find(revoked.row().id()).orElseThrow().revokedAt()).isEqualTo(T0);
            assertThatThrownBy(() -> secret(secrets, UUID.randomUUID(), null)).isInstanceOf(ConflictException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void the_same_serial_enrolling_twice_at_once_makes_one_device(Kind kind) throws Exception {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            UUID ou = new OrganizationRepository(t.db()).create("ou-1", null, T0).id();
            Secret s = secret(new EnrollmentSecretRepository(t.db()), ou, null);
            DeviceRepository devices = new DeviceRepository(t.db());
            CyclicBarrier start = new CyclicBarrier(4);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Enrollment>> all = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    all.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return enroll(devices, s.text(), "SN-race", Tokens.newDeviceCredential(), T0);
                    }));
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (Future<Enrollment> f : all) {
                    outcomes.add(f.get(60, TimeUnit.SECONDS).outcome());
                }
                assertThat(outcomes).containsOnly(Outcome.ENROLLED, Outcome.RE_ENROLLED);
                assertThat(outcomes).filteredOn(o -> o == Outcome.ENROLLED).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(devices.search(new Search(null, "sn-race", null, null, 10, 0), T0).total()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void searches_filter_by_ou_text_status_and_activity_and_counts_match_the_buckets(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            UUID ou1 = ous.create("ou-1", null, T0).id();
            UUID ou2 = ous.create("ou-2", null, T0).id();
            EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(t.db());
            DeviceRepository devices = new DeviceRepository(t.db());
            Secret s1 = secret(secrets, ou1, null);
            Secret s2 = secret(secrets, ou2, null);
            Instant now = T0.plus(Duration.ofDays(3));
            // one device per bucket in ou-1, ages at and beside each boundary
            Map<String, Duration> ages = new java.util.LinkedHashMap<>();
            ages.put("online-a", Duration.ZERO);
            ages.put("online-b", DeviceStatus.ONLINE_WITHIN.minusMillis(1));
            ages.put("recent-a", DeviceStatus.ONLINE_WITHIN);
            ages.put("recent-b", DeviceStatus.RECENT_WITHIN.minusSeconds(1));
            ages.put("offline-a", DeviceStatus.RECENT_WITHIN);
            ages.put("offline-b", DeviceStatus.OFFLINE_WITHIN.minusSeconds(1));
            ages.put("stale-a", DeviceStatus.OFFLINE_WITHIN);
            ages.put("stale-b", Duration.ofDays(2));
            for (Map.Entry<String, Duration> e : ages.entrySet()) {
                EnrolledDevice d = enroll(devices, s1.text(), e.getKey(), Tokens.newDeviceCredential(), T0).device();
                devices.heartbeat(d.id(), new Facts(null, null, null, null, null, null), "192.0.2.9", now.minus(e.getValue()));
                assertThat(DeviceStatus.of(now.minus(e.getValue()), now).externalName())
                        .isEqualTo(e.getKey().substring(0, e.getKey().indexOf('-')));
            }
            enroll(devices, s1.text(), "never-a", Tokens.newDeviceCredential(), T0);
            EnrolledDevice other = enroll(devices, s2.text(), "Other_100%", Tokens.newDeviceCredential(), T0).device();
            devices.setActive(other.id(), false, T0);

            for (DeviceStatus st : DeviceStatus.values()) {
                List<String> serials = devices.search(new Search(ou1, null, st, null, 100, 0), now).devices().stream()
                        .map(EnrolledDevice::serial).toList();
                assertThat(serials).as(st.externalName()).isNotEmpty()
                        .allMatch(s -> s.startsWith(st.externalName() + "-"));
            }
            DeviceRepository.Counts c1 = devices.counts(ou1, now);
            assertThat(c1.total()).isEqualTo(9);
            assertThat(c1.byStatus()).containsEntry(DeviceStatus.ONLINE, 2L).containsEntry(DeviceStatus.RECENT, 2L)
                    .containsEntry(DeviceStatus.OFFLINE, 2L).containsEntry(DeviceStatus.STALE, 2L)
                    .containsEntry(DeviceStatus.NEVER, 1L);
            DeviceRepository.Counts all = devices.counts(null, now);
            assertThat(all.total()).isEqualTo(10);
            assertThat(all.inactive()).isEqualTo(1);
            assertThat(all.byStatus().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);

            // text search is case-insensitive and takes % and _ literally
            assertThat(devices.search(new Search(null, "OTHER_100%", null, null, 10, 0), now).devices())
                    .extracting(EnrolledDevice::serial).containsExactly("Other_100%");
            assertThat(devices.search(new Search(null, "r_1", null, null, 10, 0), now).total()).isEqualTo(1);
            assertThat(devices.search(new Search(null, "%", null, null, 10, 0), now).total()).isEqualTo(1);
            assertThat(devices.search(new Search(null, "host-online", null, null, 10, 0), now).total()).isEqualTo(2);
            assertThat(devices.search(new Search(null, null, null, false, 10, 0), now).devices())
                    .extracting(EnrolledDevice::serial).containsExactly("Other_100%");
            assertThat(devices.search(new Search(ou2, null, null, true, 10, 0), now).total()).isZero();
            DeviceRepository.Page page = devices.search(new Search(ou1, null, null, null, 3, 3), now);
            assertThat(page.total()).isEqualTo(9);
            assertThat(page.devices()).extracting(EnrolledDevice::serial).containsExactly("online-a", "online-b", "recent-a");
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void seen_writes_at_most_every_ten_seconds_and_a_heartbeat_always(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            UUID ou = new OrganizationRepository(t.db()).create("ou-1", null, T0).id();
            DeviceRepository devices = new DeviceRepository(t.db());
            EnrolledDevice d = enroll(devices, secret(new EnrollmentSecretRepository(t.db()), ou, null).text(), "SN",
                    Tokens.newDeviceCredential(), T0).device();
            devices.seen(d.id(), "192.0.2.1", T0);
            devices.seen(d.id(), "192.0.2.2", T0.plusSeconds(5));
            assertThat(devices.find(d.id()).orElseThrow().lastSeenAt()).isEqualTo(T0);
            devices.seen(d.id(), "192.0.2.3", T0.plusSeconds(11));
            assertThat(devices.find(d.id()).orElseThrow().lastIp()).isEqualTo("192.0.2.3");
            devices.heartbeat(d.id(), new Facts(null, "renamed", null, null, null, "2.0"), "192.0.2.4", T0.plusSeconds(12));
            EnrolledDevice after = devices.find(d.id()).orElseThrow();
            assertThat(after.lastSeenAt()).isEqualTo(T0.plusSeconds(12));
            assertThat(after.hostname()).isEqualTo("renamed");
            assertThat(after.clientVersion()).isEqualTo("2.0");
            assertThat(after.os()).isEqualTo("linux");
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_device_gets_its_own_configuration_else_its_ous_else_the_default(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            UUID ou1 = ous.create("ou-1", null, T0).id();
            UUID ou2 = ous.create("ou-2", null, T0).id();
            DeviceRepository devices = new DeviceRepository(t.db());
            EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(t.db());
            EnrolledDevice d1 = enroll(devices, secret(secrets, ou1, null).text(), "d1", Tokens.newDeviceCredential(), T0).device();
            EnrolledDevice d2 = enroll(devices, secret(secrets, ou2, null).text(), "d2", Tokens.newDeviceCredential(), T0).device();
            AgentConfigRepository configs = new AgentConfigRepository(t.db());
            assertThat(configs.effective(d1.id(), ou1)).isEmpty();
            configs.put(Scope.DEFAULT, AgentConfig.DEFAULT_OWNER, "default", "{\"interval\":600}", null, T0);
            assertThat(configs.effective(d1.id(), ou1)).map(AgentConfig::scope).contains(Scope.DEFAULT);
            configs.put(Scope.OU, ou1, "ou-1", "{\"interval\":300}", null, T0);
            assertThat(configs.effective(d1.id(), ou1)).map(AgentConfig::scope).contains(Scope.OU);
            assertThat(configs.effective(d2.id(), ou2)).map(AgentConfig::scope).contains(Scope.DEFAULT);
            configs.put(Scope.DEVICE, d1.id(), null, "{\"interval\":60}", null, T0);
            AgentConfig replaced = configs.put(Scope.DEVICE, d1.id(), "mine", "{\"interval\":90}", null, T0.plusSeconds(1));
            assertThat(configs.effective(d1.id(), ou1)).contains(replaced);
            assertThat(configs.find(Scope.DEVICE, d1.id()).orElseThrow().document()).isEqualTo("{\"interval\":90}");

            assertThat(configs.list(null)).extracting(AgentConfig::scope)
                    .containsExactly(Scope.DEFAULT, Scope.OU, Scope.DEVICE);
            assertThat(configs.list(ou2)).extracting(AgentConfig::scope).containsExactly(Scope.DEFAULT);
            assertThat(configs.list(ou1)).hasSize(3);

            assertThat(configs.delete(Scope.DEVICE, d1.id())).isTrue();
            assertThat(configs.delete(Scope.DEVICE, d1.id())).isFalse();
            assertThat(configs.effective(d1.id(), ou1)).map(AgentConfig::scope).contains(Scope.OU);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void an_ou_with_devices_is_not_deleted_and_one_without_takes_its_secrets_and_configuration_along(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            OrganizationRepository ous = new OrganizationRepository(t.db());
            UUID withDevice = ous.create("ou-1", null, T0).id();
            UUID empty = ous.create("ou-2", null, T0).id();
            EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(t.db());
            enroll(new DeviceRepository(t.db()), secret(secrets, withDevice, null).text(), "d", Tokens.newDeviceCredential(), T0);
            Secret unused = secret(secrets, empty, null);
            AgentConfigRepository configs = new AgentConfigRepository(t.db());
            configs.put(Scope.OU, empty, null, "{}", null, T0);
            assertThatThrownBy(() -> ous.delete(withDevice)).isInstanceOf(ConflictException.class)
                    .hasMessageContaining("1 enrolled device");
            assertThat(ous.delete(empty)).isTrue();
            assertThat(secrets.find(unused.row().id())).isEmpty();
            assertThat(configs.find(Scope.OU, empty)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void results_a_device_uploads_carry_its_id_and_its_ous(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            UUID ou = new OrganizationRepository(t.db()).create("ou-1", null, T0).id();
            EnrolledDevice d = enroll(new DeviceRepository(t.db()), secret(new EnrollmentSecretRepository(t.db()), ou, null)
                    .text(), "d", Tokens.newDeviceCredential(), T0).device();
            ResultRepository results = new ResultRepository(t.db());
            ProbeResult r = DatabaseIT.result(UuidV7.next(), "tcp://a:1", T0, true, 1.0);
            results.store(List.of(DatabaseIT.incoming(r)), d.ouId(), null, d.id(), T0);
            UUID stored = t.db().read(h -> h.createQuery("SELECT device_id FROM results WHERE id = :id").bind("id", r.id())
                    .mapTo(UUID.class).one());
            assertThat(stored).isEqualTo(d.id());
            assertThat(results.recent(new ResultScope.Ou(ou), 10)).extracting(ResultRepository.Stored::id)
                    .containsExactly(r.id());
            assertThat(new UserRepository(t.db()).create("u", "x", Role.USER, ou, null, T0)).isNotNull();
        }
    }
}
