package io.waddleperf.probes;

import io.waddleperf.core.result.Device;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of the machine this process runs on (the agent and manager key results by it): serial from {@code /etc/machine-id} or DMI where
 * readable, else a stable hash of the hostname; OS name and version from the platform.
 */
public final class DeviceIdentity {

    private static final List<Path> SERIAL_SOURCES = List.of(
            Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"), Path.of("/sys/class/dmi/id/product_uuid"));

    private DeviceIdentity() {
    }

    public static Device local(String clientType, String clientVersion) {
        String host = hostname();
        return new Device(serial(host), host, System.getProperty("os.name"), System.getProperty("os.version"), clientType, clientVersion);
    }

    static String serial(String hostname) {
        for (Path p : SERIAL_SOURCES) {
            try {
                if (Files.isReadable(p)) {
                    String s = Files.readString(p, StandardCharsets.US_ASCII).strip();
                    if (!s.isEmpty()) {
                        return s;
                    }
                }
            } catch (IOException | SecurityException e) {
                // unreadable source: try the next one
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(hostname.getBytes(StandardCharsets.UTF_8));
            return "host-" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            String etc = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
            if (!etc.isEmpty()) {
                return etc;
            }
        } catch (IOException | SecurityException e) {
            // fall through to the resolver's idea of our name
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
