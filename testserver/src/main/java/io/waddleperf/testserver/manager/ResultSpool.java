package io.waddleperf.testserver.manager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results waiting to be delivered, one file per result named by its id ({@code <uuid>.json}) in a folder. A result
 * is written to a temporary file, forced to disk, renamed into place and the folder forced too, so after a crash a
 * result is either wholly in the spool or not at all, and an answer given to a browser after {@link #add} is never
 * lost. Result ids are UUIDv7, so the file names sort by time and the oldest go first. Results the manager refuses for
 * good move to {@code rejected/} (kept for an operator, never sent again). The spool holds at most {@code maxBytes}.
 */
public final class ResultSpool {

    private static final Logger LOG = LoggerFactory.getLogger(ResultSpool.class);
    private static final Pattern NAME = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.json");
    public static final String REJECTED = "rejected";

    /**
     * One spooled result.
     *
     * @param id   its id (the file name without {@code .json})
     * @param file where it is
     * @param json its JSON object
     */
    public record Entry(String id, Path file, byte[] json) {
    }

    private final Path dir;
    private final Path rejected;
    private final long maxBytes;
    private long bytes;
    private int count;

    /** Opens (creating) the spool in {@code dir}, drops temporary files a crash left behind and counts what is there. */
    public ResultSpool(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.rejected = dir.resolve(REJECTED);
        this.maxBytes = maxBytes;
        Files.createDirectories(rejected);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a write that never completed: its browser got no answer
                } else if (NAME.matcher(name).matches()) {
                    bytes += Files.size(p);
                    count++;
                }
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * Keeps one result durably; false (and nothing written) when that would take the spool past its size.
     *
     * @param id   the result's id (a UUID)
     * @param json the result object
     */
    public synchronized boolean add(String id, byte[] json) throws IOException {
        String name = id + ".json";
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a result id: " + id);
        }
        Path target = dir.resolve(name);
        long previous = Files.exists(target) ? Files.size(target) : 0;
        if (bytes - previous + json.length > maxBytes) {
            return false;
        }
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(json);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        move(tmp, target);
        forceDirectory(dir);
        bytes += json.length - previous;
        if (previous == 0) {
            count++;
        }
        return true;
    }

    /** Up to {@code n} of the oldest results; a file that cannot be read is moved to {@code rejected/}. */
    public synchronized List<Entry> oldest(int n) throws IOException {
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> NAME.matcher(p.getFileName().toString()).matches())) {
            ds.forEach(names::add);
        }
        names.sort(null);
        List<Entry> out = new ArrayList<>();
        for (Path p : names) {
            if (out.size() >= n) {
                break;
            }
            String name = p.getFileName().toString();
            byte[] json;
            try {
                json = Files.readAllBytes(p);
            } catch (IOException e) {
                LOG.warn("cannot read spooled result {} ({}); moving it to {}", p, e.getMessage(), rejected);
                json = null;
            }
            Entry e = new Entry(name.substring(0, name.length() - ".json".length()), p, json);
            if (json == null || json.length == 0 || json[0] != '{') {
                reject(e, "not a JSON object");
                continue;
            }
            out.add(e);
        }
        return out;
    }

    /** Forgets a delivered result. */
    public synchronized void remove(Entry e) throws IOException {
        long size = Files.exists(e.file()) ? Files.size(e.file()) : 0;
        if (Files.deleteIfExists(e.file())) {
            bytes -= size;
            count--;
        }
    }

    /** Moves a result the manager refuses for good out of the way, to {@code rejected/}. */
    public synchronized void reject(Entry e, String reason) throws IOException {
        if (!Files.exists(e.file())) {
            return;
        }
        long size = Files.size(e.file());
        move(e.file(), rejected.resolve(e.file().getFileName()));
        bytes -= size;
        count--;
        LOG.warn("result {} will not be forwarded to the manager ({}); kept in {}", e.id(), reason, rejected);
    }

    /** Results waiting. */
    public synchronized int count() {
        return count;
    }

    /** Bytes waiting. */
    public synchronized long bytes() {
        return bytes;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename in {@code dir} durable (POSIX: the directory entry is only on disk after the directory's fsync). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename is then as durable as the platform makes it
        }
    }
}
