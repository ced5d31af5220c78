package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlStateTest {

    private static final List<ControlState> NORMAL_TEST = List.of(ControlState.IPERF_START,
            ControlState.PARAM_EXCHANGE, ControlState.CREATE_STREAMS, ControlState.TEST_START,
            ControlState.TEST_RUNNING, ControlState.TEST_END, ControlState.EXCHANGE_RESULTS,
            ControlState.DISPLAY_RESULTS, ControlState.IPERF_DONE);

    @Test
    void normal_test_sequence_follows_the_table() throws Iperf3Exception {
        ControlState s = NORMAL_TEST.getFirst();
        for (ControlState next : NORMAL_TEST.subList(1, NORMAL_TEST.size())) {
            s = ControlState.transition(s, next);
        }
        assertThat(s).isEqualTo(ControlState.IPERF_DONE);
        assertThat(s.isFinal()).isTrue();
    }

    @Test
    void skipping_a_step_is_an_unknown_message() {
        assertThatThrownBy(() -> ControlState.transition(ControlState.IPERF_START, ControlState.TEST_RUNNING))
                .isInstanceOfSatisfying(Iperf3Exception.class,
                        e -> assertThat(e.error()).isEqualTo(Iperf3Error.IEMESSAGE));
        assertThat(ControlState.TEST_RUNNING.canMoveTo(ControlState.TEST_START)).isFalse();
        assertThat(ControlState.DISPLAY_RESULTS.canMoveTo(ControlState.TEST_END)).isFalse();
    }

    @Test
    void every_running_state_can_abort_and_final_states_lead_nowhere() {
        for (ControlState s : NORMAL_TEST.subList(0, NORMAL_TEST.size() - 1)) {
            assertThat(s.successors()).as(s.name())
                    .contains(ControlState.SERVER_ERROR, ControlState.CLIENT_TERMINATE, ControlState.SERVER_TERMINATE);
        }
        for (ControlState s : EnumSet.of(ControlState.IPERF_DONE, ControlState.ACCESS_DENIED,
                ControlState.SERVER_ERROR, ControlState.CLIENT_TERMINATE, ControlState.SERVER_TERMINATE)) {
            assertThat(s.isFinal()).as(s.name()).isTrue();
        }
        assertThat(ControlState.IPERF_START.canMoveTo(ControlState.ACCESS_DENIED)).isTrue();
    }

    @Test
    void wire_bytes_are_iperf3s_signed_values() {
        assertThat(ControlState.ACCESS_DENIED.wireByte()).isEqualTo((byte) 0xFF);
        assertThat(ControlState.SERVER_ERROR.wireByte()).isEqualTo((byte) 0xFE);
        assertThat(ControlState.IPERF_DONE.wireByte()).isEqualTo((byte) 16);
        for (ControlState s : ControlState.values()) {
            assertThat(ControlState.fromWire(s.wireByte())).contains(s);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 6, 7, 8, 17, 100, -3})
    void bytes_iperf3_never_sends_are_not_states(int value) {
        assertThat(ControlState.fromWire((byte) value)).isEmpty();
    }

    @Test
    void each_state_has_the_sender_iperf3_gives_it() {
        assertThat(ControlState.TEST_END.sender()).isEqualTo(ControlState.Sender.CLIENT);
        assertThat(ControlState.IPERF_DONE.sender()).isEqualTo(ControlState.Sender.CLIENT);
        assertThat(ControlState.EXCHANGE_RESULTS.sender()).isEqualTo(ControlState.Sender.SERVER);
        assertThat(ControlState.IPERF_START.sender()).isEqualTo(ControlState.Sender.NOBODY);
    }
}
