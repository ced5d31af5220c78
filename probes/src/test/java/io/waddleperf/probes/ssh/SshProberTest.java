package io.waddleperf.probes.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeException;
import java.io.IOException;
import java.net.ConnectException;
import org.apache.sshd.common.SshException;
import org.junit.jupiter.api.Test;

class SshProberTest {

    @Test
    void an_ssh_exception_of_its_own_is_an_ssh_error_with_its_message() {
        ProbeException e = SshProber.sshError(new SshException("Unable to negotiate key exchange for kex algorithms"), "during key exchange");

        assertThat(e.kind()).isEqualTo(ErrorKind.SSH_ERROR);
        assertThat(e.detail()).isEqualTo("Unable to negotiate key exchange for kex algorithms");
    }

    @Test
    void an_ssh_exception_wrapping_a_network_failure_keeps_the_network_kind() {
        ProbeException e = SshProber.sshError(new SshException("connect failed", new ConnectException("Connection refused")), "connecting");

        assertThat(e.kind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
    }

    @Test
    void an_unclassified_failure_says_when_it_happened() {
        ProbeException e = SshProber.sshError(new IOException("connection closed by server"), "during key exchange");

        assertThat(e.kind()).isEqualTo(ErrorKind.SSH_ERROR);
        assertThat(e.detail()).isEqualTo("connection closed by server (during key exchange)");
    }

    @Test
    void milliseconds_are_rounded_to_the_microsecond() {
        assertThat(SshProber.ms(1_234_567)).isEqualTo(1.235);
        assertThat(SshProber.ms(0)).isZero();
    }
}
