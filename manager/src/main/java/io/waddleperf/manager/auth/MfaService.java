package io.waddleperf.manager.auth;

import io.waddleperf.manager.store.MfaRepository;
import io.waddleperf.manager.store.User;
import io.waddleperf.manager.store.Uuids;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-factor authentication with TOTP (RFC 6238): setup makes a secret and shows it once (otpauth URI and QR code),
 * a first valid code puts it in force, and from then on every login needs a code. Each code is accepted once: a code
 * of a time step at or before the last accepted one is refused as a replay. Roles listed in
 * {@code auth.mfa_required_roles} must have MFA; their logins without it may only set it up.
 */
public final class MfaService {

    /** The issuer authenticator apps show next to the account. */
    public static final String ISSUER = "WaddlePerf";

    /** What a setup hands out, this once. */
    public record Setup(String secret, String otpauthUri, byte[] qrPng) {
        @Override
        public String toString() {
            return "Setup[****]";
        }
    }

    /** The outcome of checking a code. */
    public enum Check {
        /** Right and fresh: its step is now used up. */
        ACCEPTED,
        /** Not the code of any step near now. */
        WRONG,
        /** Right, but its step was used before. */
        REPLAYED,
        /** The user has no secret to check against. */
        NO_SECRET
    }

    private static final Logger LOG = LoggerFactory.getLogger(MfaService.class);

    private final MfaRepository repository;
    private final ServerKey key;
    private final Set<Role> requiredRoles;
    private final InstantSource clock;

    public MfaService(MfaRepository repository, ServerKey key, Set<Role> requiredRoles, InstantSource clock) {
        this.repository = repository;
        this.key = key;
        this.requiredRoles = Set.copyOf(requiredRoles);
        this.clock = clock;
    }

    /** Whether users of this role must have MFA. */
    public boolean requiredFor(Role role) {
        return requiredRoles.contains(role);
    }

    /** Whether the user's logins need a code. */
    public boolean enabled(UUID userId) {
        return repository.state(userId).enabled();
    }

    /** Which of these users have MFA in force. */
    public Set<UUID> enabledAmong(Collection<UUID> userIds) {
        return repository.enabledAmong(userIds);
    }

    /**
     * A new secret for the user, stored sealed and not yet in force (an earlier unverified one is replaced).
     *
     * @return empty when MFA is already in force (disable it first)
     */
    public Optional<Setup> setup(User user) {
        byte[] secret = Totp.newSecret();
        if (!repository.setPending(user.id(), key.seal(secret, context(user.id())), clock.instant())) {
            return Optional.empty();
        }
        String uri = Totp.uri(ISSUER, user.username(), secret);
        return Optional.of(new Setup(Base32.encode(secret), uri, QrPng.of(uri)));
    }

    /** Checks {@code code} against the user's secret (in force or pending) and uses up its step when right. */
    public Check check(UUID userId, String code) {
        MfaRepository.State state = repository.state(userId);
        if (state.sealedSecret() == null) {
            return Check.NO_SECRET;
        }
        byte[] secret = key.open(state.sealedSecret(), context(userId)).orElseThrow(() -> {
            LOG.error("the MFA secret of user {} cannot be decrypted: this manager's secret key (auth.secret_key or "
                    + "data_dir/secret.key) is not the one it was stored with", userId);
            return new IllegalStateException("MFA secret sealed under another key");
        });
        OptionalLong step = Totp.match(secret, normalise(code), clock.instant());
        if (step.isEmpty()) {
            return Check.WRONG;
        }
        return repository.consumeStep(userId, step.getAsLong()) ? Check.ACCEPTED : Check.REPLAYED;
    }

    /** Puts the pending secret in force; false when there was none. */
    public boolean enable(UUID userId) {
        return repository.enable(userId, clock.instant());
    }

    /** Removes the user's MFA (in force or pending); false when there was none. */
    public boolean disable(UUID userId) {
        return repository.disable(userId, clock.instant());
    }

    /** Codes are typed by people: spaces between the digit groups are dropped. */
    static String normalise(String code) {
        return code == null ? null : code.replace(" ", "");
    }

    private static byte[] context(UUID userId) {
        return Uuids.toBytes(userId);
    }
}
