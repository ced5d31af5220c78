package io.waddleperf.core.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    @Test
    void ids_made_one_after_another_sort_in_the_order_they_were_made_even_within_a_millisecond() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // many per millisecond
            made.add(UuidV7.next().toString());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(made).allSatisfy(id -> {
            UUID u = UUID.fromString(id);
            assertThat(u.version()).isEqualTo(7);
            assertThat(u.variant()).isEqualTo(2);
        });
        long first = UuidV7.unixMillis(UUID.fromString(made.getFirst()));
        assertThat(first).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void the_counter_carries_from_rand_b_into_rand_a_and_then_into_the_timestamp() {
        UUID lastOfRandB = new UUID(0x0000_0000_0001_7005L, 0xBFFF_FFFF_FFFF_FFFFL);
        UUID carried = UuidV7.after(lastOfRandB);
        assertThat(carried).isEqualTo(new UUID(0x0000_0000_0001_7006L, 0x8000_0000_0000_0000L));
        assertThat(carried.toString()).isGreaterThan(lastOfRandB.toString());

        UUID lastOfAll = new UUID(0x0000_0000_0001_7FFFL, 0xBFFF_FFFF_FFFF_FFFFL);
        UUID nextMillisecond = UuidV7.after(lastOfAll);
        assertThat(UuidV7.unixMillis(nextMillisecond)).isEqualTo(UuidV7.unixMillis(lastOfAll) + 1);
        assertThat(nextMillisecond.version()).isEqualTo(7);
        assertThat(nextMillisecond.variant()).isEqualTo(2);
        assertThat(nextMillisecond.toString()).isGreaterThan(lastOfAll.toString());

        UUID plain = new UUID(0x0000_0000_0001_7005L, 0x8000_0000_0000_0010L);
        assertThat(UuidV7.after(plain)).isEqualTo(new UUID(0x0000_0000_0001_7005L, 0x8000_0000_0000_0011L));
    }
}
