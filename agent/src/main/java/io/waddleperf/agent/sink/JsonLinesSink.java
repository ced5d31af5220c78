package io.waddleperf.agent.sink;

import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.SpooledResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes each result as one line of JSON to a file ({@code results.jsonl}), fsync'd per batch, and rotates it
 * ({@code results.jsonl} → {@code .1} → … → {@code .<keep>}, the oldest deleted) once it reaches {@code max_bytes}.
 * <p>
 * Exactly once, also across crashes: a batch the outbox sends again (the agent stopped after writing it but before
 * its cursor was saved) is recognised by the ids of the newest lines — read back from the end of the file(s) when
 * the sink opens, then remembered — and not written twice; a last line cut short by a crash is cut off.
 */
public final class JsonLinesSink implements Sink {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final Path path;
    private final long maxBytes;
    private final int keep;
    private final int batchSize;
    private final int remembered;
    private final Deque<String> recentOrder = new ArrayDeque<>();
    private final Set<String> recent = new HashSet<>();
    private FileChannel channel;

    public JsonLinesSink(Path path, long maxBytes, int keep, int batchSize) throws IOException {
        this.path = path;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.batchSize = batchSize;
        this.remembered = 2 * batchSize;
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        cutTornLine();
        if (keep > 0) {
            rememberTail(rotated(1));
        }
        rememberTail(path);
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public int maxBatch() {
        return batchSize;
    }

    @Override
    public synchronized void export(List<SpooledResult> batch) throws IOException {
        for (SpooledResult r : batch) {
            String id = r.id();
            if (id != null && recent.contains(id)) {
                continue; // written before a crash left the cursor behind
            }
            byte[] line = (r.json() + "\n").getBytes(StandardCharsets.UTF_8);
            if (channel.size() > 0 && channel.size() + line.length > maxBytes) {
                rotate();
            }
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            remember(id);
        }
        channel.force(false);
    }

    private void rotate() throws IOException {
        channel.force(false);
        channel.close();
        if (keep == 0) {
            Files.delete(path);
        } else {
            Files.deleteIfExists(rotated(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(rotated(i))) {
                    Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    Path rotated(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private void remember(String id) {
        if (id == null) {
            return;
        }
        if (recent.add(id)) {
            recentOrder.addLast(id);
            if (recentOrder.size() > remembered) {
                recent.remove(recentOrder.removeFirst());
            }
        }
    }

    /** Remembers the ids of the last lines of {@code file}, enough to cover a batch sent again. */
    private void rememberTail(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.max(0, size - (long) remembered * 8192);
            ByteBuffer b = ByteBuffer.allocate((int) (size - from));
            while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
                // read the tail
            }
            String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            for (String line : lines.subList(Math.max(0, lines.size() - remembered), lines.size())) {
                Matcher m = ID.matcher(line);
                if (m.find()) {
                    remember(m.group(1));
                }
            }
        }
    }

    /** Cuts off a last line without its newline: a write the agent did not finish. */
    private void cutTornLine() throws IOException {
        if (!Files.isRegularFile(path)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
