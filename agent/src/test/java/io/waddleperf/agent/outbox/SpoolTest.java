package io.waddleperf.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.agent.AgentConfig.WhenFull;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on a real file system: durability across reopening, cursors, the cap, and damaged files. */
class SpoolTest {

    private static final long SEGMENT = 64 << 10;

    @TempDir
    Path dir;

    private Spool open(List<String> sinks) throws IOException {
        return Spool.open(dir, 16 * SEGMENT, SEGMENT, WhenFull.DROP_OLDEST, sinks);
    }

    private static String result(int i) {
        return "{\"id\":\"id-" + i + "\",\"n\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}";
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("segments"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void each_sink_reads_from_its_own_cursor_and_a_result_leaves_only_when_every_sink_has_it() throws IOException {
        try (Spool spool = open(List.of("manager", "file"))) {
            for (int i = 1; i <= 1000; i++) {
                assertThat(spool.append(result(i))).isEqualTo(i);
            }
            assertThat(segments()).hasSizeGreaterThan(2);

            List<SpooledResult> batch = spool.read("manager", 600);
            assertThat(batch).hasSize(600);
            assertThat(batch.getFirst().id()).isEqualTo("id-1");
            spool.acknowledge("manager", batch.getLast().seq());
            assertThat(spool.pending("manager")).isEqualTo(400);
            assertThat(spool.pending("file")).isEqualTo(1000);
            assertThat(spool.read("manager", 1).getFirst().id()).isEqualTo("id-601");
            assertThat(spool.count()).as("the file sink has none yet: nothing leaves").isEqualTo(1000);

            spool.acknowledge("file", 700);
            assertThat(spool.count()).as("segments both sinks have are deleted").isLessThan(1000)
                    .isGreaterThanOrEqualTo(400);
            spool.acknowledge("manager", 1000);
            spool.acknowledge("file", 1000);
            assertThat(segments()).as("only the segment being written stays").hasSize(1);
        }
    }

    @Test
    void survives_reopening_with_cursors_and_sequence_intact() throws IOException {
        try (Spool spool = open(List.of("manager"))) {
            for (int i = 1; i <= 300; i++) {
                spool.append(result(i));
            }
            spool.acknowledge("manager", 120);
        }
        try (Spool spool = open(List.of("manager"))) {
            assertThat(spool.pending("manager")).isEqualTo(180);
            assertThat(spool.read("manager", 1).getFirst().seq()).isEqualTo(121);
            assertThat(spool.append(result(301))).isEqualTo(301);
            spool.acknowledge("manager", 301);
        }
        try (Spool spool = open(List.of("manager"))) {
            assertThat(spool.append(result(302))).as("numbering goes on after everything was delivered").isEqualTo(302);
            assertThat(spool.read("manager", 10)).extracting(SpooledResult::seq).containsExactly(302L);
        }
    }

    @Test
    void a_new_sink_starts_at_the_oldest_result_held_and_a_removed_sinks_cursor_goes() throws IOException {
        try (Spool spool = open(List.of("manager"))) {
            for (int i = 1; i <= 10; i++) {
                spool.append(result(i));
            }
        }
        try (Spool spool = open(List.of("file"))) {
            assertThat(spool.pending("file")).isEqualTo(10);
            assertThat(spool.cursors()).containsOnlyKeys("file");
        }
        assertThat(dir.resolve("cursors/manager")).doesNotExist();
    }

    @Test
    void a_record_cut_short_by_a_crash_is_cut_off_quietly() throws IOException {
        try (Spool spool = open(List.of("manager"))) {
            for (int i = 1; i <= 5; i++) {
                spool.append(result(i));
            }
        }
        Path seg = segments().getLast();
        long size = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(size - 30); // the last record's tail never reached the disk
        }
        try (Spool spool = open(List.of("manager"))) {
            assertThat(spool.pending("manager")).isEqualTo(4);
            assertThat(spool.quarantined()).isZero();
            assertThat(spool.append(result(6))).as("the lost record's number is reused: nobody ever had it").isEqualTo(5);
            assertThat(spool.read("manager", 10)).extracting(SpooledResult::id)
                    .containsExactly("id-1", "id-2", "id-3", "id-4", "id-6");
        }
        assertThat(dir.resolve("quarantine")).doesNotExist();
    }

    @Test
    void a_damaged_segment_is_quarantined_and_the_rest_is_kept() throws IOException {
        try (Spool spool = open(List.of("manager"))) {
            for (int i = 1; i <= 1000; i++) {
                spool.append(result(i));
            }
        }
        Path first = segments().getFirst();
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(3 * 250 + 40); // inside the fourth record's JSON
            f.write('#');
        }
        Files.writeString(dir.resolve("segments/notes.txt"), "left here by someone");

        try (Spool spool = open(List.of("manager"))) {
            assertThat(spool.quarantined()).isEqualTo(2);
            List<SpooledResult> all = spool.read("manager", 2000);
            assertThat(all.subList(0, 3)).extracting(SpooledResult::id).containsExactly("id-1", "id-2", "id-3");
            assertThat(all).extracting(SpooledResult::id).doesNotContain("id-4").contains("id-1000");
            assertThat(spool.append(result(1001))).isEqualTo(1001);
        }
        try (Stream<Path> q = Files.list(dir.resolve("quarantine"))) {
            assertThat(q.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(first.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("notes.txt"));
        }
    }

    @Test
    void a_corrupt_cursor_is_quarantined_and_its_sink_starts_over() throws IOException {
        try (Spool spool = open(List.of("manager"))) {
            spool.append(result(1));
            spool.append(result(2));
            spool.acknowledge("manager", 1);
        }
        Files.write(dir.resolve("cursors/manager"), new byte[] {1, 2, 3});
        try (Spool spool = open(List.of("manager"))) {
            assertThat(spool.pending("manager")).isEqualTo(2);
            assertThat(spool.quarantined()).isEqualTo(1);
        }
    }

    @Test
    void a_full_spool_drops_its_oldest_results_and_counts_them() throws IOException {
        try (Spool spool = Spool.open(dir, 4 * SEGMENT, SEGMENT, WhenFull.DROP_OLDEST, List.of("manager"))) {
            for (int i = 1; i <= 2000; i++) {
                assertThat(spool.append(result(i))).isPositive();
            }
            assertThat(spool.bytes()).isLessThanOrEqualTo(4 * SEGMENT);
            assertThat(spool.dropped()).isPositive();
            assertThat(spool.count() + spool.dropped()).isEqualTo(2000);
            assertThat(spool.read("manager", 1).getFirst().seq()).isEqualTo(spool.dropped() + 1);
            assertThat(spool.read("manager", 5000).getLast().id()).isEqualTo("id-2000");
        }
    }

    @Test
    void a_full_spool_under_drop_newest_refuses_new_results() throws IOException {
        try (Spool spool = Spool.open(dir, 4 * SEGMENT, SEGMENT, WhenFull.DROP_NEWEST, List.of("manager"))) {
            int kept = 0;
            for (int i = 1; i <= 2000; i++) {
                if (spool.append(result(i)) > 0) {
                    kept++;
                }
            }
            assertThat(spool.dropped()).isEqualTo(2000 - kept);
            assertThat(spool.read("manager", 1).getFirst().id()).isEqualTo("id-1");
            spool.acknowledge("manager", kept);
            assertThat(spool.append(result(2001))).as("room again once delivered").isPositive();
        }
    }
}
