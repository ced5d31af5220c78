package io.waddleperf.testserver.speed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Browser results kept on this server: one JSON object per line ({@code received_at}, {@code client_ip},
 * {@code result}) in {@code speedtest-results.jsonl} under the data folder. When the file would grow past
 * {@code maxBytes} it becomes {@code speedtest-results.jsonl.1} (replacing the previous one), so the two files
 * never hold more than twice {@code maxBytes}. Forwarding to the manager is a second {@link BrowserResultSink}.
 */
public final class BrowserResultFile implements BrowserResultSink {

    public static final String FILE_NAME = "speedtest-results.jsonl";

    private final Path file;
    private final Path rotated;
    private final long maxBytes;
    private final ObjectMapper mapper = Json.mapper();

    public BrowserResultFile(Path dataDir, long maxBytes) {
        this.file = dataDir.resolve(FILE_NAME);
        this.rotated = dataDir.resolve(FILE_NAME + ".1");
        this.maxBytes = maxBytes;
    }

    public Path file() {
        return file;
    }

    /**
     * The result stored under {@code id}, looked for in the current file, then the rotated one; empty when neither
     * holds it (never stored here, or rotated out). Reads without the writer's lock: a line being appended does not
     * parse and is passed over, and a rotation leaves the open file readable. Each line read is reported to
     * {@code charge}, so a caller can count the reading against a quota.
     */
    public Optional<JsonNode> find(UUID id, java.util.function.LongConsumer charge) throws IOException {
        String needle = "\"id\":\"" + id + "\"";
        for (Path candidate : List.of(file, rotated)) {
            if (!Files.exists(candidate)) {
                continue;
            }
            try (BufferedReader in = Files.newBufferedReader(candidate, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    charge.accept(line.length() + 1L);
                    if (!line.contains(needle)) {
                        continue;
                    }
                    JsonNode result;
                    try {
                        result = mapper.readTree(line).path("result");
                    } catch (IOException e) {
                        continue; // the line being written right now
                    }
                    if (id.toString().equals(result.path("id").asText())) {
                        return Optional.of(result);
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                continue; // rotated away between the check and the open
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void accept(ProbeResult result, String clientIp, Instant receivedAt) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("received_at", receivedAt.toString());
        line.put("client_ip", clientIp);
        line.put("result", result);
        byte[] bytes = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        if (Files.exists(file) && Files.size(file) + bytes.length > maxBytes) {
            Files.move(file, rotated, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(bytes);
        }
    }
}
