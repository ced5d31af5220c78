package io.waddleperf.testserver.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Jazzer fuzz test of the test server's DNS responder logic ({@link DnsZone#answer}), fed any datagram, as anyone on
 * the network may send one to its UDP port. Its contract: it never throws; it answers only what dnsjava reads as a
 * query with a question (anything else is dropped); an answer fits the size given, is a response with the query's
 * id and question, answers names of the zone only (A and AAAA of that name) and refuses others; and it is never more
 * than 44 bytes longer than the query (an A and an AAAA record), so the responder cannot be used to amplify a
 * reflection attack beyond that. Seeds: {@code src/test/resources/io/waddleperf/testserver/dns/DnsZoneFuzzTestInputs/
 * <method>/}; real fuzzing with {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class DnsZoneFuzzTest {

    private static final int UDP_MAX = 512; // what DnsResponder gives a UDP answer
    /** An A (2-byte name pointer, 10 bytes of type, class, TTL and length, 4 of address) and an AAAA (16 of address). */
    private static final int MAX_GROWTH = 16 + 28;
    private static final DnsZone ZONE;

    static {
        try {
            ZONE = new DnsZone("waddleperf.test", InetAddress.getByName("192.0.2.1"),
                    InetAddress.getByName("2001:db8::1"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void any_datagram_is_dropped_or_answered_within_the_zone_and_without_amplification(byte[] datagram)
            throws IOException {
        byte[] reply = ZONE.answer(datagram, datagram.length, UDP_MAX);
        Message query;
        try {
            query = new Message(datagram);
        } catch (IOException | RuntimeException e) {
            assertThat(reply).as("what dnsjava cannot read is dropped").isNull();
            return;
        }
        if (reply == null) {
            assertThat(query.getHeader().getFlag(Flags.QR) || query.getQuestion() == null)
                    .as("a query with a question is answered").isTrue();
            return;
        }
        assertThat(reply.length).isLessThanOrEqualTo(UDP_MAX);
        assertThat(reply.length).as("no amplification").isLessThanOrEqualTo(datagram.length + MAX_GROWTH);
        Message answer = new Message(reply);
        assertThat(answer.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(answer.getQuestion()).isEqualTo(query.getQuestion());
        Name name = query.getQuestion().getName();
        List<Record> records = answer.getSection(Section.ANSWER);
        if (!records.isEmpty()) {
            assertThat(name.subdomain(Name.fromConstantString("waddleperf.test."))).isTrue();
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        }
        for (Record r : records) {
            assertThat(r.getName()).isEqualTo(name);
            assertThat(r.getType()).isIn(Type.A, Type.AAAA);
        }
        assertThat(answer.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(answer.getSection(Section.ADDITIONAL)).isEmpty();
    }
}
