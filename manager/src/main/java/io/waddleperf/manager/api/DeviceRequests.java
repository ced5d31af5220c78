package io.waddleperf.manager.api;

import io.javalin.http.Context;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.DeviceRepository;
import io.waddleperf.manager.store.EnrolledDevice;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The device side of authentication: a request carrying a device credential ({@code Authorization: Bearer wpd_…},
 * {@code ApiKey wpd_…} or {@code X-API-Key: wpd_…}) comes from that enrolled device. A deactivated device's credential
 * is refused with 403 (so the device knows to stop rather than to enrol again); every accepted request counts as the
 * device being seen.
 */
public final class DeviceRequests {

    private final DeviceRepository devices;
    private final InstantSource clock;

    public DeviceRequests(DeviceRepository devices, InstantSource clock) {
        this.devices = devices;
        this.clock = clock;
    }

    /** The credential the request carries, from {@code Authorization} or {@code X-API-Key}, if any. */
    private static Optional<String> credential(Context ctx) {
        String authorization = ctx.header("Authorization");
        String apiKey = ctx.header("X-API-Key");
        if (authorization == null && apiKey != null) {
            authorization = "ApiKey " + apiKey;
        }
        return AuthService.Credential.parse(authorization).map(AuthService.Credential::secret);
    }

    /** Whether the request carries a device credential rather than a user's token or key. */
    public boolean carriesDeviceCredential(Context ctx) {
        return credential(ctx).filter(c -> c.startsWith(Tokens.DEVICE_CREDENTIAL_PREFIX)).isPresent();
    }

    /**
     * The active device whose credential the request carries.
     *
     * @throws ApiException 401 without a valid device credential, 403 when the device is deactivated
     */
    public EnrolledDevice device(Context ctx) {
        return device(ctx, true);
    }

    /**
     * {@link #device(Context)}, recording the contact only when {@code recordSeen} (a heartbeat records it itself).
     */
    EnrolledDevice device(Context ctx, boolean recordSeen) {
        Optional<String> secret = credential(ctx).filter(c -> c.startsWith(Tokens.DEVICE_CREDENTIAL_PREFIX));
        if (secret.isEmpty()) {
            throw ApiException.unauthorized("a device credential is required: Authorization: Bearer "
                    + Tokens.DEVICE_CREDENTIAL_PREFIX + "… (from POST /api/v1/enrollment/enroll)");
        }
        EnrolledDevice d = devices.findByCredential(Tokens.digest(secret.get()))
                .orElseThrow(() -> ApiException.unauthorized("unknown device credential (a newer enrolment of the "
                        + "device replaced it, or it never existed)"));
        if (!d.active()) {
            throw ApiException.forbidden(null, "device '" + d.serial() + "' is deactivated; an admin of its organisation "
                    + "unit can reactivate it");
        }
        if (recordSeen) {
            devices.seen(d.id(), Requests.clientAddress(ctx), clock.instant());
        }
        return d;
    }
}
