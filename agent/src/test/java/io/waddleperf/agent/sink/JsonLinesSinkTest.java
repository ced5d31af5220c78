package io.waddleperf.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines file sink on a real file system: lines, rotation, and exactly once across a crash. */
class JsonLinesSinkTest {

    @TempDir
    Path dir;

    private static List<SpooledResult> batch(int from, int to) {
        List<SpooledResult> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new SpooledResult(i + 1, Json.write(ManagerSinkIT.result(i))));
        }
        return out;
    }

    private static List<String> lines(Path p) throws IOException {
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

    @Test
    void writes_one_result_object_per_line_and_rotates_at_the_size_limit() throws IOException {
        Path file = dir.resolve("results.jsonl");
        List<SpooledResult> all = batch(0, 100);
        try (JsonLinesSink sink = new JsonLinesSink(file, 8192, 2, 50)) {
            sink.export(all.subList(0, 50));
            sink.export(all.subList(50, 100));
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(8192);
        assertThat(file.resolveSibling("results.jsonl.1")).exists();
        assertThat(file.resolveSibling("results.jsonl.2")).exists();
        assertThat(file.resolveSibling("results.jsonl.3")).doesNotExist();
        List<String> kept = new ArrayList<>(lines(file.resolveSibling("results.jsonl.2")));
        kept.addAll(lines(file.resolveSibling("results.jsonl.1")));
        kept.addAll(lines(file));
        assertThat(kept).allSatisfy(l -> assertThat(Json.readResult(l).id()).isNotNull());
        assertThat(Json.readResult(kept.getLast()).id().toString()).isEqualTo(all.getLast().id());
        List<String> ids = kept.stream().map(l -> Json.readResult(l).id().toString()).toList();
        assertThat(ids).doesNotHaveDuplicates()
                .containsExactlyElementsOf(all.subList(100 - kept.size(), 100).stream().map(SpooledResult::id).toList());
    }

    @Test
    void a_batch_sent_again_after_a_crash_is_not_written_twice_and_a_torn_line_is_cut() throws IOException {
        Path file = dir.resolve("results.jsonl");
        List<SpooledResult> all = batch(0, 30);
        try (JsonLinesSink sink = new JsonLinesSink(file, 1 << 20, 2, 20)) {
            sink.export(all.subList(0, 20));
        }
        Files.writeString(file, "{\"id\":\"half-writ", java.nio.file.StandardOpenOption.APPEND);

        try (JsonLinesSink sink = new JsonLinesSink(file, 1 << 20, 2, 20)) {
            sink.export(all.subList(10, 30)); // the cursor had stayed at 10 when the agent died
        }

        List<String> ids = lines(file).stream().map(l -> Json.readResult(l).id().toString()).toList();
        assertThat(ids).containsExactlyElementsOf(all.stream().map(SpooledResult::id).toList());
    }
}
