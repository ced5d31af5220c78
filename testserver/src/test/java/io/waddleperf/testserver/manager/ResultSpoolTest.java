package io.waddleperf.testserver.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.UuidV7;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolTest {

    @TempDir
    Path dir;

    private static byte[] json(String id) {
        return ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void results_come_back_oldest_first_across_a_reopen_and_leave_when_removed() throws Exception {
        ResultSpool spool = new ResultSpool(dir, 1 << 20);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = UuidV7.next().toString();
            ids.add(id);
            assertThat(spool.add(id, json(id))).isTrue();
        }
        assertThat(spool.count()).isEqualTo(5);
        ResultSpool reopened = new ResultSpool(dir, 1 << 20);
        assertThat(reopened.count()).isEqualTo(5);
        assertThat(reopened.bytes()).isEqualTo(spool.bytes());
        List<ResultSpool.Entry> first = reopened.oldest(3);
        assertThat(first).extracting(ResultSpool.Entry::id).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(new String(first.getFirst().json(), StandardCharsets.UTF_8)).contains(ids.getFirst());
        for (ResultSpool.Entry e : first) {
            reopened.remove(e);
        }
        assertThat(reopened.oldest(10)).extracting(ResultSpool.Entry::id).containsExactlyElementsOf(ids.subList(3, 5));
        assertThat(reopened.count()).isEqualTo(2);
        // the same id again replaces the file (a browser retrying its post)
        assertThat(reopened.add(ids.get(4), json(ids.get(4)))).isTrue();
        assertThat(reopened.count()).isEqualTo(2);
    }

    @Test
    void a_full_spool_takes_nothing_more_and_says_so() throws Exception {
        ResultSpool spool = new ResultSpool(dir, 100);
        String a = UuidV7.next().toString();
        String b = UuidV7.next().toString();
        assertThat(spool.add(a, json(a))).isTrue(); // 47 bytes
        assertThat(spool.add(b, json(b))).isTrue(); // 94
        String c = UuidV7.next().toString();
        assertThat(spool.add(c, json(c))).isFalse();
        assertThat(Files.exists(dir.resolve(c + ".json"))).isFalse();
        spool.remove(spool.oldest(1).getFirst());
        assertThat(spool.add(c, json(c))).isTrue();
    }

    @Test
    void leftovers_of_a_crash_and_unreadable_results_are_set_aside() throws Exception {
        String good = UuidV7.next().toString();
        String torn = UuidV7.next().toString();
        String garbage = UuidV7.next().toString();
        Files.write(dir.resolve(good + ".json"), json(good));
        Files.write(dir.resolve(torn + ".json.tmp"), "{\"id\":".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve(garbage + ".json"), "not json".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("README"), "not a result");
        ResultSpool spool = new ResultSpool(dir, 1 << 20);
        assertThat(Files.exists(dir.resolve(torn + ".json.tmp"))).isFalse();
        assertThat(spool.count()).isEqualTo(2);
        assertThat(spool.oldest(10)).extracting(ResultSpool.Entry::id).containsExactly(good);
        assertThat(Files.exists(dir.resolve(ResultSpool.REJECTED).resolve(garbage + ".json"))).isTrue();
        assertThat(spool.count()).isEqualTo(1);
        spool.reject(spool.oldest(1).getFirst(), "test");
        assertThat(spool.count()).isZero();
        assertThat(spool.bytes()).isZero();
        assertThatThrownBy(() -> spool.add("../escape", json("x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
