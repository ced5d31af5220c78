package io.waddleperf.manager.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RangePlanTest {

    private static final Function<RollupTier, Duration> RETENTION = t -> switch (t) {
        case MINUTE -> Duration.ofDays(7);
        case HOUR, DAY -> Duration.ofDays(365);
    };

    @Test
    void a_week_reads_days_in_the_middle_and_hours_and_minutes_only_at_its_edges() {
        Instant now = Instant.parse("2026-03-20T10:17:30Z");
        RangePlan plan = RangePlan.of(now.minus(Duration.ofDays(7)), now, now, RETENTION);
        // the older end is 7 days back, where minute rollups are gone: widened to the hour
        assertThat(plan.from()).isEqualTo(Instant.parse("2026-03-13T10:00:00Z"));
        assertThat(plan.to()).isEqualTo(Instant.parse("2026-03-20T10:18:00Z"));
        assertThat(plan.pieces()).containsExactly(
                new RangePlan.Piece(RollupTier.HOUR, Instant.parse("2026-03-13T10:00:00Z"), Instant.parse("2026-03-14T00:00:00Z")),
                new RangePlan.Piece(RollupTier.DAY, Instant.parse("2026-03-14T00:00:00Z"), Instant.parse("2026-03-20T00:00:00Z")),
                new RangePlan.Piece(RollupTier.HOUR, Instant.parse("2026-03-20T00:00:00Z"), Instant.parse("2026-03-20T10:00:00Z")),
                new RangePlan.Piece(RollupTier.MINUTE, Instant.parse("2026-03-20T10:00:00Z"), Instant.parse("2026-03-20T10:18:00Z")));
        assertThat(plan.resolutions()).containsExactly("minute", "hour", "day");
    }

    @Test
    void a_plan_capped_at_hours_reads_no_day_rows_so_each_row_fits_inside_one_hourly_point() {
        Instant now = Instant.parse("2026-03-20T10:17:30Z");
        RangePlan plan = RangePlan.of(now.minus(Duration.ofDays(3)), now, now, RETENTION, RollupTier.HOUR);
        assertThat(plan.from()).isEqualTo(Instant.parse("2026-03-17T10:17:00Z"));
        assertThat(plan.pieces()).containsExactly(
                new RangePlan.Piece(RollupTier.MINUTE, Instant.parse("2026-03-17T10:17:00Z"), Instant.parse("2026-03-17T11:00:00Z")),
                new RangePlan.Piece(RollupTier.HOUR, Instant.parse("2026-03-17T11:00:00Z"), Instant.parse("2026-03-20T10:00:00Z")),
                new RangePlan.Piece(RollupTier.MINUTE, Instant.parse("2026-03-20T10:00:00Z"), Instant.parse("2026-03-20T10:18:00Z")));
        // where minutes are gone the end is widened to the cap's tier at most, never to a whole day
        RangePlan old = RangePlan.of(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(20)), now, RETENTION,
                RollupTier.HOUR);
        assertThat(old.pieces()).extracting(RangePlan.Piece::tier).containsOnly(RollupTier.HOUR);
        assertThat(old.from()).isEqualTo(Instant.parse("2026-02-18T10:00:00Z"));
    }

    @Test
    void pieces_cover_the_widened_range_exactly_once_in_order() {
        Instant now = Instant.parse("2026-03-20T10:17:30Z");
        for (long minutes : new long[] {1, 7, 59, 61, 1441, 3 * 1440 + 17, 30 * 1440 + 5, 399 * 1440}) {
            for (long back : new long[] {0, 13, 6 * 1440, 8 * 1440}) {
                Instant to = now.minus(Duration.ofMinutes(back)).minusSeconds(11);
                Instant from = to.minus(Duration.ofMinutes(minutes));
                RangePlan plan = RangePlan.of(from, to, now, RETENTION);
                assertThat(plan.from()).isBeforeOrEqualTo(from);
                assertThat(plan.to()).isAfterOrEqualTo(to);
                assertThat(Duration.between(plan.to(), to).abs()).isLessThan(Duration.ofDays(1));
                List<RangePlan.Piece> ps = plan.pieces();
                assertThat(ps.getFirst().from()).isEqualTo(plan.from());
                assertThat(ps.getLast().to()).isEqualTo(plan.to());
                for (int i = 0; i < ps.size(); i++) {
                    RangePlan.Piece p = ps.get(i);
                    assertThat(p.tier().floor(p.from())).isEqualTo(p.from());
                    assertThat(p.tier().floor(p.to())).isEqualTo(p.to());
                    if (i > 0) {
                        assertThat(p.from()).isEqualTo(ps.get(i - 1).to());
                    }
                    // a minute piece only where minute rollups are still kept
                    if (p.tier() == RollupTier.MINUTE) {
                        assertThat(p.from()).isAfterOrEqualTo(now.minus(Duration.ofDays(7)).minusSeconds(60));
                    }
                }
                assertThat(ps.size()).isLessThanOrEqualTo(5);
            }
        }
    }
}
