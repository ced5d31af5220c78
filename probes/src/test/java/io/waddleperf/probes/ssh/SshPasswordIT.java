package io.waddleperf.probes.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password login, which Debian's sshd cannot offer in a test without a system account with a password: the peer is
 * Apache MINA SSHD's embedded server on loopback, running each exec request as a real {@code /bin/sh -c} process.
 */
class SshPasswordIT {

    private static final String USER = "probe";
    private static final String PASSWORD = "correct horse";

    @Test
    void measures_echo_round_trips_and_upload_after_password_authentication(@TempDir Path dir) throws Exception {
        try (SshServer server = SshServer.setUpDefaultServer()) {
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host_key")));
            server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
            server.setCommandFactory((channel, command) ->
                    new ProcessShellFactory(command, List.of("/bin/sh", "-c", command)).createShell(channel));
            server.start();

            SshSpec spec = (SshSpec) TargetParser.parse("ssh://" + USER + "@127.0.0.1:" + server.getPort(),
                    new ProbeOptions(5, null, Duration.ofSeconds(10), null, Map.of("password", PASSWORD, "upload_bytes", String.valueOf(8 << 20))));
            ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec, SshProber.INSTANCE, ProbeContext.of(Source.CLI)));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.serverVersion()).startsWith("SSH-2.0-APACHE-SSHD");
            assertThat(r.rawResults()).containsEntry("auth_method", "password").containsEntry("echo_completed", 5);
            assertThat(r.minLatencyMs()).isPositive();
            assertThat(r.sentBytes()).isEqualTo(8L << 20);
            assertThat(r.uploadMbps()).isPositive();
        }
    }
}
