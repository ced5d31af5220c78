package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingServerTest {

    @Test
    void reads_the_three_ports_the_child_prints() {
        assertThat(TrainingServer.parsePorts("ports 8080 2000 53535")).hasValueSatisfying(
                p -> assertThat(p).containsExactly(8080, 2000, 53535));
    }

    @Test
    void anything_else_is_no_ports_so_the_training_falls_back_to_a_server_in_process() {
        assertThat(TrainingServer.parsePorts(null)).isEmpty();
        assertThat(TrainingServer.parsePorts("")).isEmpty();
        assertThat(TrainingServer.parsePorts("Picked up JAVA_TOOL_OPTIONS: -Xmx1g")).isEmpty();
        assertThat(TrainingServer.parsePorts("ports 8080 2000")).isEmpty();
        assertThat(TrainingServer.parsePorts("ports 8080 2000 x")).isEmpty();
        assertThat(TrainingServer.parsePorts("ports 0 2000 53")).isEmpty();
        assertThat(TrainingServer.parsePorts("ports 8080 2000 65536")).isEmpty();
    }

    @Test
    void in_tests_the_classes_are_not_in_a_jar_so_there_is_no_child() {
        assertThat(TrainingServer.start(java.time.Duration.ofSeconds(5))).isEmpty();
    }
}
