package io.waddleperf.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian OpenSSH {@code sshd} on 127.0.0.1 and a free port, run in the foreground ({@code -D -e}) with a
 * throw-away configuration, host key and authorised user key, all under a caller-given temporary directory.
 * It runs as the current user, which must be root (the login user is then root with
 * {@code PermitRootLogin prohibit-password}); {@link #assumeAvailable()} skips a test elsewhere unless
 * {@code CI=true}, where a missing {@code sshd} or root is a failure.
 */
public final class OpenSshServer implements AutoCloseable {

    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    public static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");
    /** OpenSSH's privilege separation directory on Debian; sshd refuses to start without it. */
    private static final Path PRIVSEP_DIR = Path.of("/run/sshd");
    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path userKey;
    private final Path dir;
    private final StringBuffer log = new StringBuffer();

    private OpenSshServer(Process process, int port, Path userKey, Path dir) {
        this.process = process;
        this.port = port;
        this.userKey = userKey;
        this.dir = dir;
    }

    /** Skips the calling test (JUnit assumption) when sshd cannot run here; fails instead when {@code CI=true}. */
    public static void assumeAvailable() {
        String reason = unavailableReason();
        Requirements.require(reason == null, "OpenSSH server unavailable: " + reason);
    }

    private static String unavailableReason() {
        if (!Files.isExecutable(SSHD) || !Files.isExecutable(SSH_KEYGEN)) {
            return SSHD + " or " + SSH_KEYGEN + " missing (apt-get install openssh-server openssh-client)";
        }
        String user = currentUser();
        if (!"root".equals(user)) {
            return "sshd needs root for privilege separation and logins (running as " + user + ")";
        }
        return null;
    }

    /**
     * Starts sshd with public-key login for a freshly generated ed25519 user key ({@link #userKey()}).
     *
     * @param dir a temporary directory owned by the test; everything sshd needs is written there
     * @param passwordAuthentication whether sshd offers the {@code password} method (root still cannot log in
     *                               with one: {@code PermitRootLogin prohibit-password})
     * @param extraConfig further {@code sshd_config} lines, e.g. {@code ForceCommand …}
     */
    public static OpenSshServer start(Path dir, boolean passwordAuthentication, String... extraConfig)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.createDirectories(PRIVSEP_DIR);
        Path hostKey = generateKey(dir, "ssh_host_ed25519_key");
        Path userKey = generateKey(dir, "user_ed25519_key");
        Path authorizedKeys = dir.resolve("authorized_keys");
        Files.copy(userKey.resolveSibling(userKey.getFileName() + ".pub"), authorizedKeys);
        IOException lastFailure = null;
        // The free port is found by binding port 0 and releasing it; another process may take it in between, so retry.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path config = dir.resolve("sshd_config");
            List<String> lines = new ArrayList<>(List.of(
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + hostKey,
                    "PidFile " + dir.resolve("sshd.pid"),
                    "AuthorizedKeysFile " + authorizedKeys,
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication " + (passwordAuthentication ? "yes" : "no"),
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "UsePAM no",
                    "StrictModes no",
                    "LogLevel VERBOSE",
                    "PrintMotd no"));
            lines.addAll(List.of(extraConfig));
            Files.writeString(config, String.join("\n", lines) + "\n");
            Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true)
                    .start();
            OpenSshServer server = new OpenSshServer(p, port, userKey, dir);
            server.drainOutput();
            try {
                server.awaitBanner();
                return server;
            } catch (IOException e) {
                server.close();
                lastFailure = new IOException(e.getMessage() + "; sshd output:\n" + server.log(), e);
            }
        }
        throw lastFailure;
    }

    /** Generates an unencrypted ed25519 key pair with ssh-keygen; returns the private key's path (public: {@code .pub}). */
    public static Path generateKey(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "waddleperf-test",
                "-f", key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("ssh-keygen failed for " + key + ": " + out);
        }
        return key;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void drainOutput() {
        InputStream in = process.getInputStream();
        Thread.ofVirtual().name("sshd-log-" + port).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    log.append(line).append('\n');
                }
            } catch (IOException e) {
                log.append("(log closed: ").append(e.getMessage()).append(")\n");
            }
        });
    }

    /** Polls until sshd accepts a connection and sends its identification line (RFC 4253 §4.2). */
    private void awaitBanner() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("sshd exited with status " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(2000);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (line != null && line.startsWith("SSH-")) {
                    return;
                }
                last = new IOException("port " + port + " answered without an SSH banner: " + line);
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IOException("sshd did not answer on 127.0.0.1:" + port + " within " + STARTUP.toSeconds() + " s", last);
    }

    /** The TCP port sshd listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The private key whose public half is in {@code AuthorizedKeysFile}. */
    public Path userKey() {
        return userKey;
    }

    /** The user that may log in: the user sshd runs as. */
    public String user() {
        return currentUser();
    }

    private static String currentUser() {
        return ProcessHandle.current().info().user().orElse(System.getProperty("user.name"));
    }

    /** The directory holding the configuration, keys and pid file. */
    public Path directory() {
        return dir;
    }

    /** sshd's output so far (it logs to stderr with {@code -e}); useful in assertion messages. */
    public String log() {
        return log.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
