package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.RsaKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * iperf3's RSA username/password authentication against Debian's stock 3.12 client ({@code --username},
 * {@code --rsa-public-key-path}, password from {@code IPERF3_PASSWORD}), with keys made by {@code openssl} as the
 * iperf3 manual describes.
 */
class Iperf3AuthIT {

    @TempDir
    Path dir;
    private Path publicKey;
    private Iperf3Server server;

    @BeforeEach
    void startServerWithAuth() throws Exception {
        StockIperf3.assumeInstalled();
        Path privateKey = dir.resolve("private.pem");
        publicKey = dir.resolve("public.pem");
        openssl("genrsa", "-out", privateKey.toString(), "2048");
        openssl("rsa", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString());
        Path users = dir.resolve("credentials.csv");
        Files.writeString(users, "# iperf3 authorized users\n" + Authenticator.usersFileLine("mario", "rossi") + "\n");
        server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0)
                .withAuth(Iperf3AuthConfig.of(privateKey, users)));
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private StockIperf3.Run client(String password, String... args) throws Exception {
        return StockIperf3.client(Map.of("IPERF3_PASSWORD", password), server.port(), 20, args);
    }

    @Test
    void listed_user_with_the_right_password_runs_a_test() throws Exception {
        StockIperf3.Run run = client("rossi", "-t", "1", "-J", "--username", "mario",
                "--rsa-public-key-path", publicKey.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.json().at("/end/sum_received/bytes").asLong()).isPositive();
    }

    @Test
    void wrong_password_unknown_user_and_missing_token_are_refused_and_the_server_keeps_serving() throws Exception {
        for (List<String> args : List.of(
                List.of("-t", "1", "--username", "mario", "--rsa-public-key-path", publicKey.toString()),
                List.of("-t", "1", "--username", "luigi", "--rsa-public-key-path", publicKey.toString()),
                List.of("-t", "1"))) {
            StockIperf3.Run run = client("verdi", args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.output()).isNotZero();
            assertThat(run.output()).as(String.join(" ", args)).contains("test authorization failed");
        }
        StockIperf3.Run good = client("rossi", "-t", "1", "--username", "mario",
                "--rsa-public-key-path", publicKey.toString());
        assertThat(good.exitCode()).as(good.output()).isZero();
    }

    @Test
    void traditional_pkcs1_private_key_file_reads_as_the_same_key() throws Exception {
        Path pkcs8 = dir.resolve("private.pem");
        Path pkcs1 = dir.resolve("traditional.pem");
        openssl("rsa", "-in", pkcs8.toString(), "-traditional", "-out", pkcs1.toString());
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
        assertThat(RsaKeys.readPrivateKey(pkcs1)).isEqualTo(RsaKeys.readPrivateKey(pkcs8));
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/bin/openssl");
        StockIperf3.assumeBinary(binary, "openssl");
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }
}
