package io.waddleperf.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process (a test server, an agent) as a device of the manager: it enrols once with the OU's enrolment secret
 * (retrying with backoff while the manager is unreachable), keeps the credential it gets in a file only its user can
 * read, and sends a heartbeat at the interval the manager asks for. When the manager no longer knows the credential
 * (its database was replaced) the device enrols again. Everything runs on one virtual thread; the rest of the process
 * only asks for the current credential, and may listen to the heartbeat answers (an agent pulls its configuration
 * early when one says it changed).
 */
public final class ManagerLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerLink.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(1);

    /**
     * What enrolment gave this server.
     *
     * @param managerUrl the manager it enrolled with
     * @param deviceId   its device id there
     * @param serial     the serial it enrolled under
     * @param ouId       the organisation unit it belongs to
     * @param credential its device credential
     */
    public record Identity(String managerUrl, String deviceId, String serial, String ouId, String credential) {
        @Override
        public String toString() {
            return "Identity[device " + deviceId + " (" + serial + ") of OU " + ouId + " at " + managerUrl + "]";
        }
    }

    private final ManagerClient client;
    private final Path file;
    private final String secret;
    private final Device device;
    private final Duration retryMax;
    private volatile Identity identity;
    private volatile Duration heartbeatInterval = DEFAULT_HEARTBEAT;
    private volatile boolean heartbeatAccepted;
    private volatile Consumer<JsonNode> heartbeatListener = answer -> { };
    private Worker worker;

    /**
     * @param file   where the credential is kept
     * @param secret the enrolment secret, or null when the server enrolled before
     * @param device this server's identity (client type {@code testserver})
     */
    ManagerLink(ManagerClient client, Path file, String secret, Device device, Duration retryMax) {
        this.client = client;
        this.file = file;
        this.secret = secret;
        this.device = device;
        this.retryMax = retryMax;
        this.identity = load(file, client.base().toString());
    }

    /** Starts the link's thread: enrol if needed, then heartbeat. */
    public static ManagerLink start(ManagerClient client, Path file, String secret, Device device, Duration retryMax) {
        ManagerLink link = new ManagerLink(client, file, secret, device, retryMax);
        link.worker = new Worker("manager-link", link::run);
        return link;
    }

    /** The device credential, once enrolled. */
    public Optional<String> credential() {
        Identity i = identity;
        return i == null ? Optional.empty() : Optional.of(i.credential());
    }

    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /** Whether the manager accepted a heartbeat since the last (re-)enrolment. */
    public boolean heartbeatAccepted() {
        return heartbeatAccepted;
    }

    /** Called with every accepted heartbeat's answer ({@code config_updated_at} among others), on the link's thread. */
    public void onHeartbeat(Consumer<JsonNode> listener) {
        heartbeatListener = listener;
    }

    /** The manager answered 401 to this credential: it no longer knows it, so enrol again (once per credential). */
    public void credentialRefused(String credential) {
        Identity i = identity;
        if (i != null && i.credential().equals(credential)) {
            LOG.warn("the manager at {} no longer knows this device's credential; enrolling again", client.base());
            identity = null;
            if (worker != null) {
                worker.wake();
            }
        }
    }

    private void run(Worker w) {
        Worker.Backoff backoff = new Worker.Backoff(FIRST_BACKOFF, retryMax);
        while (w.running()) {
            boolean ok;
            try {
                ok = identity == null ? enroll() : heartbeat();
            } catch (IOException e) {
                LOG.info("manager at {} unreachable: {}; retrying within {} s", client.base(), e.getMessage(),
                        backoff.peek().toSeconds());
                ok = false;
            } catch (RuntimeException e) {
                LOG.warn("talking to the manager at {} failed", client.base(), e);
                ok = false;
            }
            if (ok) {
                backoff.reset();
                // right after an enrolment the first heartbeat goes out at once
                w.pause(heartbeatAccepted ? jittered(heartbeatInterval) : Duration.ZERO);
            } else {
                w.pause(backoff.next());
            }
        }
    }

    private boolean enroll() throws IOException {
        if (secret == null) {
            LOG.error("cannot enrol with the manager at {}: no manager.enrollment_secret is configured", client.base());
            return false;
        }
        ManagerClient.Answer a = client.enroll(secret, device);
        if (!a.ok()) {
            LOG.error("the manager at {} refused the enrolment of device '{}': {}", client.base(), device.serial(), a.error());
            return false;
        }
        JsonNode b = a.body();
        Identity i = new Identity(client.base().toString(), b.path("device_id").asText(), device.serial(),
                b.path("ou_id").asText(), b.path("device_credential").asText());
        save(file, i);
        heartbeatAccepted = false;
        identity = i;
        setHeartbeat(b);
        LOG.info("enrolled with the manager at {} as device {} ({}) of organisation unit {}", client.base(), i.deviceId(),
                i.serial(), i.ouId());
        return true;
    }

    private boolean heartbeat() throws IOException {
        Identity i = identity;
        ManagerClient.Answer a = client.heartbeat(i.credential(), i.deviceId());
        if (a.status() == 401) {
            credentialRefused(i.credential());
            return false;
        }
        if (!a.ok()) {
            LOG.warn("the manager at {} refused this device's heartbeat: {}", client.base(), a.error());
            return false;
        }
        heartbeatAccepted = true;
        setHeartbeat(a.body());
        try {
            heartbeatListener.accept(a.body());
        } catch (RuntimeException e) {
            LOG.warn("a heartbeat listener failed", e);
        }
        return true;
    }

    private void setHeartbeat(JsonNode answer) {
        long s = answer.path("heartbeat_interval_seconds").asLong(0);
        if (s >= 1 && s <= 3600) {
            heartbeatInterval = Duration.ofSeconds(s);
        }
    }

    /** ±10 % so many servers restarted together do not call the manager together. */
    private static Duration jittered(Duration d) {
        return Duration.ofMillis(Math.round(d.toMillis() * ThreadLocalRandom.current().nextDouble(0.9, 1.1)));
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
    }

    /** The identity in {@code file} if it was made with this manager; null otherwise. */
    public static Identity load(Path file, String managerUrl) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            Identity i = new Identity(n.path("manager_url").asText(), n.path("device_id").asText(),
                    n.path("device_serial").asText(), n.path("ou_id").asText(), n.path("device_credential").asText());
            if (!i.managerUrl().equals(managerUrl)) {
                LOG.warn("{} holds the credential of another manager ({}); enrolling with {}", file, i.managerUrl(),
                        managerUrl);
                return null;
            }
            if (i.credential().isEmpty() || i.deviceId().isEmpty()) {
                LOG.warn("{} holds no device credential; enrolling again", file);
                return null;
            }
            return i;
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}); enrolling again", file, e.getMessage());
            return null;
        }
    }

    /** Writes the identity to {@code file} readable by this user only, replacing it in one step. */
    public static void save(Path file, Identity i) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("manager_url", i.managerUrl());
        m.put("device_id", i.deviceId());
        m.put("device_serial", i.serial());
        m.put("ou_id", i.ouId());
        m.put("device_credential", i.credential());
        writePrivate(file, Json.writePretty(m));
    }

    /**
     * Writes {@code text} to {@code file} readable by this user only (identities and the configurations devices keep
     * hold credentials or what a manager sent), replacing it in one step and on disk before it returns.
     */
    public static void writePrivate(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp, e);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
