package io.waddleperf.testserver.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The answers of the test server's DNS responder: one zone whose every name has the configured A/AAAA
 * addresses. Pure message logic (dnsjava for the wire format), so it is tested without sockets.
 */
public final class DnsZone {

    static final long TTL_SECONDS = 60;

    private final Name origin;
    private final InetAddress v4;
    private final InetAddress v6;

    /**
     * @param origin zone name, e.g. {@code waddleperf.test}
     * @param v4     the A answer, or null for none
     * @param v6     the AAAA answer, or null for none
     */
    public DnsZone(String origin, InetAddress v4, InetAddress v6) {
        try {
            this.origin = Name.fromString(origin.endsWith(".") ? origin : origin + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("zone: '" + origin + "' is not a DNS name", e);
        }
        if (v4 != null && !(v4 instanceof Inet4Address) || v6 != null && !(v6 instanceof Inet6Address)) {
            throw new IllegalArgumentException("zone answers: A needs an IPv4 and AAAA an IPv6 address");
        }
        this.v4 = v4;
        this.v6 = v6;
    }

    public String origin() {
        return origin.toString(true);
    }

    /**
     * The wire-format reply to the query in {@code wire[0, length)}, at most {@code maxBytes} long (truncated with
     * TC set otherwise), or null when the bytes are not a query worth answering (malformed, a response, no question).
     */
    public byte[] answer(byte[] wire, int length, int maxBytes) {
        Message query;
        try {
            byte[] exact = wire.length == length ? wire : java.util.Arrays.copyOf(wire, length);
            query = new Message(exact);
        } catch (IOException | RuntimeException e) {
            return null; // not DNS: drop silently, as answering garbage only helps reflection attacks
        }
        Record question = query.getQuestion();
        if (query.getHeader().getFlag(Flags.QR) || question == null) {
            return null;
        }
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            reply.getHeader().setFlag(Flags.RD);
        }
        reply.addRecord(question, Section.QUESTION);
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            reply.getHeader().setRcode(Rcode.NOTIMP);
        } else if (question.getDClass() != DClass.IN || !question.getName().subdomain(origin)) {
            reply.getHeader().setRcode(Rcode.REFUSED);
        } else {
            reply.getHeader().setFlag(Flags.AA);
            Name name = question.getName();
            int type = question.getType();
            if ((type == Type.A || type == Type.ANY) && v4 != null) {
                reply.addRecord(new ARecord(name, DClass.IN, TTL_SECONDS, v4), Section.ANSWER);
            }
            if ((type == Type.AAAA || type == Type.ANY) && v6 != null) {
                reply.addRecord(new AAAARecord(name, DClass.IN, TTL_SECONDS, v6), Section.ANSWER);
            }
        }
        return reply.toWire(maxBytes);
    }
}
