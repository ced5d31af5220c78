package io.waddleperf.probes.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;

/**
 * Jazzer fuzz test of what the dns probe makes of a resolver's answer, which the resolver (or anyone who can spoof
 * it) controls: dnsjava reads the datagram, {@link DnsProber#answers} lists the answer section for the result. Its
 * contract: reading fails only with an {@link IOException} (which the probe reports as {@code protocol_error}; any
 * other exception would escape it), and every listed name, type and datum is printable ASCII in presentation format,
 * so no byte of a record reaches a terminal, a log line or a stored result as a control character (an escape
 * sequence in a TXT record is shown as {@code \027[...}). Seeds:
 * {@code src/test/resources/io/waddleperf/probes/dns/DnsAnswersFuzzTestInputs/<method>/}; real fuzzing with
 * {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class DnsAnswersFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void any_answer_is_refused_as_malformed_or_listed_in_printable_presentation_format(byte[] datagram) {
        Message response;
        try {
            response = new Message(datagram);
        } catch (IOException e) {
            return;
        } catch (RuntimeException e) {
            fail("dnsjava threw %s, which the probe does not catch", e.toString());
            return;
        }
        List<Map<String, Object>> answers = DnsProber.answers(response);
        for (Map<String, Object> a : answers) {
            for (String key : List.of("name", "type", "data")) {
                String text = (String) a.get(key);
                assertThat(text).as(key).isNotNull();
                assertThat(text.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)).as("%s %s is printable ASCII", key, text)
                        .isTrue();
            }
            assertThat((Integer) a.get("ttl")).isNotNegative();
        }
    }
}
