package io.waddleperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

    @Test
    void complete_in_order_stream_has_no_loss() {
        SequenceTracker t = feed(new SequenceTracker(), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(t.summary(10)).isEqualTo(new LossStats(10, 10, 0, 0, 0, 0.0));
    }

    @Test
    void reports_loss_when_replies_missing() {
        LossStats s = feed(new SequenceTracker(), 0, 1, 3, 4).summary(5);
        assertThat(s).isEqualTo(new LossStats(5, 4, 1, 0, 0, 20.0));
    }

    @Test
    void trailing_replies_that_never_came_are_lost() {
        assertThat(feed(new SequenceTracker(), 0, 1).summary(4).lost()).isEqualTo(2);
        assertThat(new SequenceTracker().summary(3)).isEqualTo(new LossStats(3, 0, 3, 0, 0, 100.0));
    }

    @Test
    void counts_every_arrival_after_a_higher_sequence_as_reordered() {
        assertThat(feed(new SequenceTracker(), 0, 1, 3, 2, 4).summary(5).reordered()).isEqualTo(1);
        assertThat(feed(new SequenceTracker(), 0, 3, 1, 2).summary(4).reordered()).isEqualTo(2);
        assertThat(feed(new SequenceTracker(), 3, 2, 1, 0).summary(4).reordered()).isEqualTo(3);
    }

    @Test
    void counts_repeats_as_duplicates_not_as_received_or_reordered() {
        LossStats s = feed(new SequenceTracker(), 0, 1, 1, 2, 2, 2).summary(3);
        assertThat(s).isEqualTo(new LossStats(3, 3, 0, 3, 0, 0.0));
        LossStats late = feed(new SequenceTracker(), 0, 2, 1, 1).summary(3);
        assertThat(late.reordered()).isEqualTo(1);
        assertThat(late.duplicates()).isEqualTo(1);
    }

    @Test
    void ignores_sequences_outside_the_sent_range_for_received() {
        SequenceTracker t = feed(new SequenceTracker(100), 99, 100, 101, 102, 107);
        assertThat(t.summary(3)).isEqualTo(new LossStats(3, 3, 0, 0, 0, 0.0));
        assertThat(t.arrivals()).isEqualTo(5);
        assertThat(t.summary(2).received()).isEqualTo(2);
    }

    @Test
    void honours_the_senders_first_sequence() {
        LossStats s = feed(new SequenceTracker(1_000_000), 1_000_000, 1_000_001, 1_000_003).summary(4);
        assertThat(s).isEqualTo(new LossStats(4, 3, 1, 0, 0, 25.0));
    }

    @Test
    void stays_contiguous_across_the_long_wrap() {
        SequenceTracker t = feed(new SequenceTracker(Long.MAX_VALUE - 2),
                Long.MAX_VALUE - 2, Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1);
        assertThat(t.summary(5)).isEqualTo(new LossStats(5, 5, 0, 0, 0, 0.0));
    }

    @Test
    void counts_exactly_at_page_and_word_boundaries() {
        SequenceTracker t = feed(new SequenceTracker(), 62, 63, 64, 65, 4094, 4095, 4096, 4097);
        assertThat(t.summary(63).received()).isEqualTo(1);
        assertThat(t.summary(64).received()).isEqualTo(2);
        assertThat(t.summary(65).received()).isEqualTo(3);
        assertThat(t.summary(4096).received()).isEqualTo(6);
        assertThat(t.summary(4097).received()).isEqualTo(7);
        assertThat(t.summary(Long.MAX_VALUE).received()).isEqualTo(8);
    }

    @Test
    void huge_sequence_numbers_allocate_one_page_each_not_memory_up_to_their_value() {
        SequenceTracker t = feed(new SequenceTracker(), 0, 1L << 40, 1L << 50, Long.MAX_VALUE, -5, Long.MIN_VALUE);
        assertThat(t.pageCount()).isEqualTo(6);
        LossStats s = t.summary(Long.MAX_VALUE);
        assertThat(s.received()).isEqualTo(3); // 0, 2^40, 2^50; Long.MAX_VALUE itself is not below sent
        assertThat(s.lost()).isEqualTo(Long.MAX_VALUE - 3);
        assertThat(s.lossPercent()).isBetween(99.0, 100.0);
    }

    @Test
    void dense_streams_cost_about_one_bit_per_probe() {
        SequenceTracker t = new SequenceTracker();
        for (long i = 0; i < 100_000; i++) {
            t.received(i);
        }
        assertThat(t.pageCount()).isEqualTo(25); // ceil(100000 / 4096)
        assertThat(t.summary(100_000).lost()).isZero();
    }

    @Test
    void zero_sent_means_zero_loss_percent() {
        assertThat(new SequenceTracker().summary(0)).isEqualTo(new LossStats(0, 0, 0, 0, 0, 0.0));
    }

    @Test
    void rejects_negative_sent() {
        assertThatThrownBy(() -> new SequenceTracker().summary(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sent");
    }

    @Test
    void loss_stats_from_counts_reject_impossible_counts() {
        assertThat(LossStats.of(4, 3, 0, 0)).isEqualTo(new LossStats(4, 3, 1, 0, 0, 25.0));
        assertThatThrownBy(() -> LossStats.of(2, 3, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds sent");
        assertThatThrownBy(() -> LossStats.of(2, 1, -1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void concurrent_feeding_counts_every_arrival() throws InterruptedException {
        SequenceTracker t = new SequenceTracker();
        int perThread = 20_000;
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            long base = (long) k * perThread;
            threads.add(Thread.ofPlatform().start(() -> {
                for (long i = 0; i < perThread; i++) {
                    t.received(base + i);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        LossStats s = t.summary(4L * perThread);
        assertThat(s.received()).isEqualTo(4L * perThread);
        assertThat(s.duplicates()).isZero();
        assertThat(t.arrivals()).isEqualTo(4L * perThread);
    }

    @Property
    void received_plus_lost_is_sent_and_loss_percent_is_a_percentage(
            @ForAll @Size(max = 300) List<@LongRange(min = -50, max = 500) Long> arrivals,
            @ForAll @LongRange(min = 0, max = 400) long sent) {
        LossStats s = feed(new SequenceTracker(), arrivals).summary(sent);
        assertThat(s.sent()).isEqualTo(sent);
        assertThat(s.received() + s.lost()).isEqualTo(sent);
        assertThat(s.received()).isBetween(0L, sent);
        assertThat(s.lossPercent()).isBetween(0.0, 100.0);
    }

    @Property
    void duplicates_are_never_counted_as_received_twice(
            @ForAll @Size(max = 300) List<@LongRange(min = 0, max = 9000) Long> arrivals,
            @ForAll @LongRange(min = 0, max = 10_000) long sent) {
        SequenceTracker t = feed(new SequenceTracker(), arrivals);
        LossStats s = t.summary(sent);
        Set<Long> distinct = new HashSet<>(arrivals);
        assertThat(s.received()).isEqualTo(distinct.stream().filter(x -> x < sent).count());
        assertThat(s.duplicates()).isEqualTo(arrivals.size() - distinct.size());
    }

    @Property
    void reordered_matches_a_plain_model_of_rfc_4737(
            @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 100) Long> arrivals) {
        long expected = 0;
        long highest = Long.MIN_VALUE;
        Set<Long> seen = new HashSet<>();
        for (long seq : arrivals) {
            if (seen.add(seq)) {
                if (seq < highest) {
                    expected++;
                }
                highest = Math.max(highest, seq);
            }
        }
        assertThat(feed(new SequenceTracker(), arrivals).summary(101).reordered()).isEqualTo(expected);
    }

    @Property
    void a_shuffled_but_complete_sequence_has_no_loss(
            @ForAll @IntRange(min = 1, max = 2000) int sent,
            @ForAll long firstSequence,
            @ForAll long seed) {
        List<Long> order = new ArrayList<>(LongStream.range(0, sent).map(i -> firstSequence + i).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        LossStats s = feed(new SequenceTracker(firstSequence), order).summary(sent);
        assertThat(s.lost()).isZero();
        assertThat(s.lossPercent()).isZero();
        assertThat(s.received()).isEqualTo(sent);
        assertThat(s.duplicates()).isZero();
        assertThat(s.reordered()).isLessThan(sent);
    }

    private static SequenceTracker feed(SequenceTracker tracker, long... sequences) {
        for (long seq : sequences) {
            tracker.received(seq);
        }
        return tracker;
    }

    private static SequenceTracker feed(SequenceTracker tracker, List<Long> sequences) {
        sequences.forEach(tracker::received);
        return tracker;
    }
}
