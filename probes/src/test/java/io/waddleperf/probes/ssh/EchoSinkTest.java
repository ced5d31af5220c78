package io.waddleperf.probes.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EchoSinkTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long soon() {
        return System.nanoTime() + 2_000_000_000L;
    }

    @Test
    void matches_an_echo_that_arrives_in_pieces_and_keeps_the_rest_for_the_next_round() throws Exception {
        EchoSink sink = new EchoSink();
        sink.write(bytes("ab"), 0, 2);
        sink.write(bytes("c\nx"), 0, 3);

        assertThat(sink.await(bytes("abc\n"), soon())).isEqualTo(EchoSink.Echo.MATCHED);
        sink.write(bytes("y\n"), 0, 2);
        assertThat(sink.await(bytes("xy\n"), soon())).isEqualTo(EchoSink.Echo.MATCHED);
    }

    @Test
    void reports_other_bytes_as_a_mismatch() throws Exception {
        EchoSink sink = new EchoSink();
        sink.write(bytes("abd\n"), 0, 4);

        assertThat(sink.await(bytes("abc\n"), soon())).isEqualTo(EchoSink.Echo.MISMATCHED);
    }

    @Test
    void stops_waiting_when_the_remote_output_ends() throws Exception {
        EchoSink sink = new EchoSink();
        sink.write(bytes("ab"), 0, 2);
        Thread.ofVirtual().start(sink::close);

        assertThat(sink.await(bytes("abc\n"), soon())).isEqualTo(EchoSink.Echo.ENDED);
    }

    @Test
    void gives_up_at_the_deadline() throws Exception {
        EchoSink sink = new EchoSink();

        assertThat(sink.await(bytes("abc\n"), System.nanoTime() + 20_000_000L)).isEqualTo(EchoSink.Echo.TIMED_OUT);
    }
}
