package io.waddleperf.geo;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GeoIP lookups over the configured {@code .mmdb} files (City, ASN or flat DB-IP lite, IPv4 and IPv6 files side
 * by side): each file contributes the fields it has, the first file to name a field wins. A file that changes on
 * disk is reopened at the next lookup after {@code checkInterval}; if the new file cannot be read the old one keeps
 * serving. Non-public addresses are never looked up: their {@link AddressScope} says what they are.
 */
public final class GeoIp implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(GeoIp.class);

    /** A loaded file as shown in status output and tests. */
    public record DatabaseInfo(Path path, String databaseType, int ipVersion, Instant buildTime, String schema) {
    }

    /** One configured file: what is open and the file attributes it was opened from. */
    private record Slot(Path path, GeoDatabase database, Object fileKey, long sizeBytes, long modifiedMillis) {
    }

    private final List<Path> paths;
    private final long checkIntervalNanos;
    private final LongSupplier nanoClock;
    private volatile List<Slot> slots;
    private volatile long lastCheckNanos;

    private GeoIp(List<Path> paths, Duration checkInterval, LongSupplier nanoClock, List<Slot> slots) {
        this.paths = paths;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.nanoClock = nanoClock;
        this.slots = slots;
        this.lastCheckNanos = nanoClock.getAsLong();
    }

    /** No databases: every public address is looked up to nothing, non-public ones are still labelled. */
    public static GeoIp none() {
        return new GeoIp(List.of(), Duration.ofDays(365), System::nanoTime, List.of());
    }

    /**
     * Opens every file in {@code files}; a file that cannot be opened is an error naming it (configuration is checked
     * at start, so a typo does not silently disable GeoIP).
     */
    public static GeoIp open(List<Path> files, Duration checkInterval) throws IOException {
        return open(files, checkInterval, System::nanoTime);
    }

    static GeoIp open(List<Path> files, Duration checkInterval, LongSupplier nanoClock) throws IOException {
        List<Slot> opened = new ArrayList<>();
        try {
            for (Path p : files) {
                opened.add(openSlot(p));
            }
        } catch (IOException | RuntimeException e) {
            for (Slot s : opened) {
                s.database().close();
            }
            throw e;
        }
        return new GeoIp(List.copyOf(files), checkInterval, nanoClock, List.copyOf(opened));
    }

    private static Slot openSlot(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IOException("cannot read GeoIP database " + path + ": " + e, e);
        }
        GeoDatabase db;
        try {
            db = GeoDatabase.open(path);
        } catch (IOException | RuntimeException e) {
            throw new IOException("GeoIP database " + path + " is not a usable .mmdb file: " + e.getMessage(), e);
        }
        return new Slot(path, db, attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().toMillis());
    }

    /** What the databases say about {@code address}. */
    public GeoLocation lookup(InetAddress address) {
        maybeReload();
        AddressScope scope = AddressScope.of(address);
        GeoLocation location = GeoLocation.empty(address.getHostAddress(), scope);
        if (scope != AddressScope.PUBLIC) {
            return location;
        }
        for (Slot s : slots) {
            try {
                Optional<GeoLocation> found = s.database().lookup(address, location);
                if (found.isPresent()) {
                    location = location.fillFrom(found.get());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("GeoIP lookup of {} in {} failed: {}", address.getHostAddress(), s.path(), e.toString());
            }
        }
        return location;
    }

    /** The files in use now. */
    public List<DatabaseInfo> databases() {
        return slots.stream().map(s -> new DatabaseInfo(s.path(), s.database().metadata().databaseType(),
                s.database().metadata().ipVersion(), s.database().buildTime(), s.database().schema().name()
                .toLowerCase(java.util.Locale.ROOT))).toList();
    }

    /** Whether any database is configured. */
    public boolean configured() {
        return !paths.isEmpty();
    }

    private void maybeReload() {
        long now = nanoClock.getAsLong();
        if (paths.isEmpty() || now - lastCheckNanos < checkIntervalNanos) {
            return;
        }
        lastCheckNanos = now;
        reloadChanged();
    }

    /**
     * Reopens every file whose identity, size or modification time changed; returns how many were reopened. The
     * replaced readers are not closed: lookups running on other threads may still use them, and a memory-mapped
     * reader holds no file descriptor, so the garbage collector releases it.
     */
    public synchronized int reloadChanged() {
        List<Slot> next = new ArrayList<>(slots);
        int reloaded = 0;
        for (int i = 0; i < next.size(); i++) {
            Slot s = next.get(i);
            try {
                BasicFileAttributes a = Files.readAttributes(s.path(), BasicFileAttributes.class);
                if (Objects.equals(a.fileKey(), s.fileKey()) && a.size() == s.sizeBytes()
                        && a.lastModifiedTime().toMillis() == s.modifiedMillis()) {
                    continue;
                }
                next.set(i, openSlot(s.path()));
                reloaded++;
                LOG.info("GeoIP database {} reloaded ({})", s.path(), next.get(i).database().metadata().databaseType());
            } catch (IOException e) {
                LOG.warn("GeoIP database {} changed but cannot be loaded; still serving the previous one: {}",
                        s.path(), e.getMessage());
            }
        }
        slots = List.copyOf(next);
        return reloaded;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (Slot s : slots) {
            try {
                s.database().close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        slots = List.of();
        if (first != null) {
            throw first;
        }
    }
}
