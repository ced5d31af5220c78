package io.waddleperf.probes.dns;

import io.waddleperf.net.AddressText;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.DnsSpec;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.probes.ChannelWatchdog;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.Settle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The {@code dns} prober: sends {@code count} queries for the spec's name and type to the resolver the
 * target names — never the system resolver — and reports the query time per attempt, the rcode and the answers.
 * Queries go over UDP with EDNS(0), falling back to TCP when the answer is truncated, or over TCP only when the spec
 * says {@code tcp}; see {@link DnsExchange} for the exchange and how it is timed.
 *
 * <p>Outcome, judged on every answered attempt (blackbox_exporter's dns prober: {@code valid_rcodes} defaults to
 * NOERROR):
 * <ul>
 *   <li>NOERROR with at least one record of the asked type in the answer section (any record for ANY) → success;</li>
 *   <li>NOERROR without such a record (NODATA, or a CNAME whose target has none) → {@code dns_failure: NODATA …};</li>
 *   <li>any other rcode → {@code dns_failure: <rcode>} ({@code NXDOMAIN}, {@code SERVFAIL}, {@code REFUSED}, …):
 *       the probed name does not resolve, which a monitor must not call a success even though the resolver
 *       answered; the rcode is also in {@code raw_results.rcode};</li>
 *   <li>no answer within {@code timeout} → the attempt is lost; when every attempt is lost → {@code timeout};
 *       some lost and the rest fine → success, with the loss in {@code packet_loss_percent};</li>
 *   <li>nothing listening (ICMP port unreachable on UDP, RST on TCP) → {@code connection_refused}; other network
 *       errors and malformed answers ({@code protocol_error}) end the probe at the attempt that met them.</li>
 * </ul>
 * A resolver given by name is looked up once with the system resolver (failure → {@code dns_failure}); that lookup
 * is not part of the query time. One "packet" in {@code packets_sent}/{@code packets_received} is one query
 * attempt and its answer, a TCP fallback included.
 */
public final class DnsProber implements Prober<DnsSpec> {

    public static final DnsProber INSTANCE = new DnsProber();

    private DnsProber() {
    }

    @Override
    public void probe(DnsSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = resolve(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        Record question = question(spec);
        result.raw("query_name", question.getName().toString());
        result.raw("query_type", Type.string(question.getType()));
        result.raw("edns_udp_payload_bytes", DnsExchange.EDNS_UDP_PAYLOAD_BYTES);

        // Each query is built (and encoded) right after the previous exchange, not right before its own send:
        // building one (dnsjava's writer, a random id) is code that can reach C1's compile threshold during a one-shot
        // run, and a compilation queued just before a send puts the compiler thread on the probe's CPU as the
        // resolver is woken (docs/BENCHMARKS.md §5). Between the two lies the interval's sleep.
        Message query = query(question);
        byte[] wire = query.toWire();
        DnsExchange.Warm.ensure();
        if (spec.count() > 1) {
            DnsExchange.Compiled.ensure();
            Settle.beforeTimedAttempts();
        }
        ChannelWatchdog watchdog = new ChannelWatchdog("dns-timeout-watchdog");
        DnsExchange exchange = new DnsExchange(context.clock(), new InetSocketAddress(address, spec.endpoint().port()), spec.timeout(), watchdog);
        List<DnsExchange.Reply> replies = new ArrayList<>();
        List<Map<String, Object>> attempts = new ArrayList<>();
        int sent = 0;
        try {
            for (int seq = 1; seq <= spec.count(); seq++) {
                long attemptStart = context.clock().nanos();
                sent++;
                try {
                    DnsExchange.Reply reply = exchange.send(query, wire, spec.tcp());
                    replies.add(reply);
                    attempts.add(attempt(seq, reply));
                } catch (SocketTimeoutException e) {
                    attempts.add(lost(seq, spec.tcp() ? "tcp" : "udp"));
                }
                if (seq < spec.count()) {
                    query = query(question);
                    wire = query.toWire();
                    pause(context, attemptStart, spec.interval());
                }
            }
        } finally {
            watchdog.close();
            report(result, question, sent, replies, attempts);
        }
        judge(spec, question, replies, sent);
    }

    private static InetAddress resolve(String host) throws ProbeException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ProbeException(ErrorKind.DNS_FAILURE, "cannot resolve resolver '" + host + "'", e);
        }
    }

    private static Record question(DnsSpec spec) throws ProbeException {
        try {
            Name name = Name.fromString(spec.name(), Name.root);
            return Record.newRecord(name, Type.value(spec.recordType()), DClass.IN);
        } catch (TextParseException e) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "not a DNS name: '" + spec.name() + "'", e);
        }
    }

    /** A fresh recursive query (new random id) with an EDNS(0) OPT record (RFC 6891). */
    static Message query(Record question) {
        Message query = Message.newQuery(question);
        query.addRecord(new OPTRecord(DnsExchange.EDNS_UDP_PAYLOAD_BYTES, 0, 0), Section.ADDITIONAL);
        return query;
    }

    /** Waits until {@code interval} after the previous attempt's start (start-to-start spacing keeps the rate). */
    private static void pause(ProbeContext context, long attemptStartNanos, Duration interval) throws InterruptedException {
        long waitNanos = interval.toNanos() - (context.clock().nanos() - attemptStartNanos);
        if (waitNanos > 0) {
            Thread.sleep(Duration.ofNanos(waitNanos));
        }
    }

    /**
     * Puts counts, query-time statistics and the answer into {@code result}; the answer shown is the first failing
     * one, so a failed result explains itself, else the first.
     */
    private static void report(ProbeResult.Builder result, Record question, int sent, List<DnsExchange.Reply> replies,
                               List<Map<String, Object>> attempts) {
        result.packetsSent((long) sent);
        result.packetsReceived((long) replies.size());
        if (sent > 0) {
            result.packetLossPercent(round(100.0 * (sent - replies.size()) / sent));
        }
        result.raw("attempts", attempts);
        if (replies.isEmpty()) {
            return;
        }
        double[] timesMs = replies.stream().mapToDouble(DnsExchange.Reply::elapsedMs).toArray();
        LatencyStats stats = LatencyStats.of(timesMs);
        result.dnsMs(round(stats.avgMs()))
                .latencyMs(round(stats.avgMs()))
                .minLatencyMs(round(stats.minMs()))
                .maxLatencyMs(round(stats.maxMs()))
                .p50LatencyMs(round(stats.p50Ms()))
                .p95LatencyMs(round(stats.p95Ms()))
                .p99LatencyMs(round(stats.p99Ms()))
                .stddevLatencyMs(round(stats.stddevMs()));
        DnsExchange.Reply shown = replies.stream().filter(r -> verdict(r.response(), question) != null).findFirst()
                .orElse(replies.getFirst());
        Message response = shown.response();
        result.raw("rcode", Rcode.string(response.getRcode()));
        result.raw("authoritative", response.getHeader().getFlag(Flags.AA));
        result.raw("transport", shown.transport());
        result.raw("truncated_udp", replies.stream().anyMatch(DnsExchange.Reply::truncatedUdp));
        result.raw("answers", answers(response));
    }

    /** Throws the failure of the first answered attempt that failed; see the class comment for the rules. */
    private static void judge(DnsSpec spec, Record question, List<DnsExchange.Reply> replies, int sent) throws ProbeException {
        if (replies.isEmpty()) {
            throw new ProbeException(ErrorKind.TIMEOUT, "no answer from " + spec.endpoint() + " to " + sent
                    + (sent == 1 ? " query" : " queries") + " within " + spec.timeout().toMillis() + " ms each");
        }
        for (DnsExchange.Reply reply : replies) {
            String failure = verdict(reply.response(), question);
            if (failure != null) {
                throw new ProbeException(ErrorKind.DNS_FAILURE, failure);
            }
        }
    }

    /** Null when {@code response} is a good answer to {@code question}, else the failure detail. */
    private static String verdict(Message response, Record question) {
        int type = question.getType();
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR) {
            return Rcode.string(rcode);
        }
        if (type == Type.ANY) {
            return response.getSection(Section.ANSWER).isEmpty() ? "NODATA (empty answer)" : null;
        }
        boolean hasType = response.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == type);
        return hasType ? null : "NODATA (no " + Type.string(type) + " record for " + question.getName() + ")";
    }

    static Map<String, Object> attempt(int seq, DnsExchange.Reply reply) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("seq", seq);
        a.put("transport", reply.transport());
        a.put("time_ms", round(reply.elapsedMs()));
        a.put("rcode", Rcode.string(reply.response().getRcode()));
        a.put("answer_count", reply.response().getSection(Section.ANSWER).size());
        a.put("response_bytes", reply.responseBytes());
        a.put("truncated_udp", reply.truncatedUdp());
        return a;
    }

    private static Map<String, Object> lost(int seq, String transport) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("seq", seq);
        a.put("transport", transport);
        a.put("error", ErrorKind.TIMEOUT.wireName());
        return a;
    }

    /** The answer section as {@code {name, type, ttl, data}} with data in presentation format (RFC 1035 §5.1). */
    static List<Map<String, Object>> answers(Message response) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", r.getName().toString());
            a.put("type", Type.string(r.getType()));
            // RFC 2181 §8: TTLs are 31-bit, so an int holds every valid one.
            a.put("ttl", (int) Math.min(r.getTTL(), Integer.MAX_VALUE));
            a.put("data", data(r));
            list.add(a);
        }
        return list;
    }

    /**
     * A record's data in presentation format, as dig prints it: IPv6 in RFC 5952 form, and every TXT string quoted
     * (dnsjava leaves strings without blanks unquoted, which makes several strings look like one).
     */
    private static String data(Record r) {
        return switch (r) {
            case AAAARecord aaaa -> ipv6Text(aaaa.getAddress().getAddress());
            case TXTRecord txt -> quoted(txt.getStringsAsByteArrays());
            case SPFRecord spf -> quoted(spf.getStringsAsByteArrays());
            default -> r.rdataToString();
        };
    }

    private static String quoted(List<byte[]> characterStrings) {
        return characterStrings.stream().map(DnsProber::quoted).collect(Collectors.joining(" "));
    }

    /** A character-string in RFC 1035 §5.1 quoted form: {@code "} and {@code \} escaped, other non-printables as {@code \DDD}. */
    static String quoted(byte[] characterString) {
        StringBuilder text = new StringBuilder(characterString.length + 2).append('"');
        for (byte b : characterString) {
            int c = b & 0xFF;
            if (c == '"' || c == '\\') {
                text.append('\\').append((char) c);
            } else if (c < 0x20 || c > 0x7E) {
                text.append('\\').append(String.format("%03d", c));
            } else {
                text.append((char) c);
            }
        }
        return text.append('"').toString();
    }

    /** An IPv6 address in the canonical text form of RFC 5952 §4 (dnsjava prints every zero group). */
    static String ipv6Text(byte[] address) {
        try {
            return AddressText.of(java.net.InetAddress.getByAddress(address));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + address.length + " bytes", e);
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
