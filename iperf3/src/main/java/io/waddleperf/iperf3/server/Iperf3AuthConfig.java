package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.RsaPadding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of iperf3's optional username/password authentication on the server (iperf3's
 * {@code --rsa-private-key-path}, {@code --authorized-users-path}, {@code --time-skew-threshold});
 * {@link #of(Path, Path)} holds the defaults.
 *
 * @param rsaPrivateKeyPath PEM RSA private key (unencrypted) that opens clients' auth tokens
 * @param authorizedUsersPath file of {@code user,sha256hex("{user}password")} lines, read again for every test as
 *     iperf3 does, so edits apply without a restart
 * @param timeSkewThreshold largest accepted difference between the token's timestamp and the server's clock
 * @param paddings RSA paddings tried, in order, to open a token (nothing on the wire says which a client used)
 */
public record Iperf3AuthConfig(
        Path rsaPrivateKeyPath,
        Path authorizedUsersPath,
        Duration timeSkewThreshold,
        List<RsaPadding> paddings) {

    /** iperf3's default {@code --time-skew-threshold} (10 s, {@code iperf_parse_arguments}). */
    public static final Duration DEFAULT_TIME_SKEW = Duration.ofSeconds(10);

    public Iperf3AuthConfig {
        Objects.requireNonNull(rsaPrivateKeyPath, "rsaPrivateKeyPath");
        Objects.requireNonNull(authorizedUsersPath, "authorizedUsersPath");
        Objects.requireNonNull(timeSkewThreshold, "timeSkewThreshold");
        paddings = List.copyOf(paddings);
        if (timeSkewThreshold.isNegative() || timeSkewThreshold.isZero()) {
            throw new IllegalArgumentException("timeSkewThreshold must be positive, got " + timeSkewThreshold);
        }
        if (paddings.isEmpty()) {
            throw new IllegalArgumentException("paddings must name at least one RSA padding");
        }
    }

    /**
     * Key and users file with a 10 s skew threshold and both paddings, OAEP first: 3.12–3.16 clients always send
     * PKCS#1 v1.5, 3.17+ clients send OAEP unless given {@code --use-pkcs1-padding}.
     */
    public static Iperf3AuthConfig of(Path rsaPrivateKeyPath, Path authorizedUsersPath) {
        return new Iperf3AuthConfig(rsaPrivateKeyPath, authorizedUsersPath, DEFAULT_TIME_SKEW,
                List.of(RsaPadding.OAEP, RsaPadding.PKCS1_V1_5));
    }

    public Iperf3AuthConfig withTimeSkewThreshold(Duration threshold) {
        return new Iperf3AuthConfig(rsaPrivateKeyPath, authorizedUsersPath, threshold, paddings);
    }

    public Iperf3AuthConfig withPaddings(List<RsaPadding> accepted) {
        return new Iperf3AuthConfig(rsaPrivateKeyPath, authorizedUsersPath, timeSkewThreshold, accepted);
    }
}
