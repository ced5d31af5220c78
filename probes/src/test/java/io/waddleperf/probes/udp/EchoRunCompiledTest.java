package io.waddleperf.probes.udp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoRunCompiledTest {

    @Test
    void the_compile_warm_up_takes_replies_from_its_stand_in_responder() {
        EchoRun.Compiled.ensure();
        // whole runs went through: at least one of 50 requests each, so the reply path ran, not just the sends
        assertThat(EchoRun.Compiled.REPLIES_DONE).isGreaterThanOrEqualTo(50);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("the stand-in responder ends with the warm-up").doesNotContain("udp-echo-warm-up");
    }
}
