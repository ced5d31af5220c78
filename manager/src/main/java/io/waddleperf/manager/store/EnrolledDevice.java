package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.UUID;

/**
 * An enrolled device as stored (its credential only as a digest, elsewhere).
 *
 * @param id                 key
 * @param serial             the device's serial, unique: its identity
 * @param ouId               the organisation unit it enrolled into; never changes
 * @param enrollmentSecretId the secret of its last enrolment, or null when that secret is gone
 * @param hostname           host name it reported
 * @param os                 operating system it reported
 * @param osVersion          OS version it reported
 * @param clientType         {@code agent}, {@code testserver}, … as it reported
 * @param clientVersion      its software version
 * @param credentialPrefix   the first characters of its credential
 * @param active             a deactivated device's credential is refused
 * @param enrolledAt         first enrolment
 * @param enrolledIp         address of its last enrolment
 * @param lastSeenAt         last heartbeat, configuration pull or upload; null before the first
 * @param lastIp             address of that request
 * @param updatedAt          last change of this row's settings
 */
public record EnrolledDevice(UUID id, String serial, UUID ouId, UUID enrollmentSecretId, String hostname, String os,
                             String osVersion, String clientType, String clientVersion, String credentialPrefix,
                             boolean active, Instant enrolledAt, String enrolledIp, Instant lastSeenAt, String lastIp,
                             Instant updatedAt) {

    /** The client type of a test server, which may check API keys with the manager. */
    public static final String TESTSERVER = "testserver";

    public boolean isTestServer() {
        return TESTSERVER.equals(clientType);
    }
}
