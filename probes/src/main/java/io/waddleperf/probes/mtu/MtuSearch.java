package io.waddleperf.probes.mtu;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The path-MTU search over a {@link SizeTester}: the smallest size first (the path must carry it, or nothing can be
 * concluded), then the largest, then a binary search between the largest size answered and the smallest that failed.
 * A fragmentation-needed message naming a next-hop MTU M (RFC 1191 §4) proves every size above M fails at that
 * router, so the search jumps: the upper bound becomes M + 1 and M is tried next. A local EMSGSIZE naming the
 * interface MTU is used the same way.
 *
 * <p>When the smallest failing size failed by vanishing — no reply and no ICMP error in any try — while a smaller one
 * was answered, the path is a PMTU black hole (RFC 2923 §2.1): a router drops packets above its next-hop MTU without
 * telling the sender, so transports relying on PMTU discovery stall.
 */
final class MtuSearch {

    /** Tries one packet size (up to its attempts) and says what happened. */
    @FunctionalInterface
    interface SizeTester {
        Trial test(int sizeBytes) throws Exception;
    }

    /** One size tried: the outcome and the number of echo requests it took. */
    record Trial(int sizeBytes, SizeOutcome outcome, int tries) {
    }

    /** How the upper bound was found. */
    enum Limit {
        /** The largest size tried was answered: the path carries at least the range's maximum. */
        RANGE_MAX,
        /** A router's fragmentation-needed / packet-too-big message. */
        FRAG_NEEDED,
        /** The local stack (EMSGSIZE): the outgoing interface's MTU. */
        LOCAL_INTERFACE,
        /** Packets above the found size vanished without any ICMP message: a black hole. */
        VANISHED
    }

    /**
     * The search's answer.
     *
     * @param pathMtuBytes the largest size answered
     * @param smallestFailedBytes the smallest size known to fail ({@code maxBytes + 1} when none failed)
     * @param limit what set the upper bound
     * @param trials every size tried, in order
     * @param fragNeeded the first fragmentation-needed message, or null
     */
    record Outcome(int pathMtuBytes, int smallestFailedBytes, Limit limit, List<Trial> trials,
                   SizeOutcome.FragNeeded fragNeeded) {

        boolean blackHole() {
            return limit == Limit.VANISHED;
        }

        int echoRequests() {
            return trials.stream().mapToInt(Trial::tries).sum();
        }
    }

    private MtuSearch() {
    }

    /**
     * Searches {@code minBytes..maxBytes}. Throws when even {@code minBytes} is not answered ({@code no_reply}, the
     * ICMP error that came instead, or {@code protocol_error} when the path's MTU is below {@code minBytes}).
     */
    static Outcome run(int minBytes, int maxBytes, SizeTester tester) throws Exception {
        List<Trial> trials = new ArrayList<>();
        SizeOutcome.FragNeeded firstFragNeeded = null;
        Trial first = tester.test(minBytes);
        trials.add(first);
        switch (first.outcome()) {
            case SizeOutcome.Reply r -> { }
            case SizeOutcome.Vanished v -> throw new ProbeException(ErrorKind.NO_REPLY, "no echo reply to " + first.tries()
                    + " requests of " + minBytes + " bytes (the smallest size tried)");
            case SizeOutcome.Unreachable u -> throw new ProbeException(u.failure().kind(), u.failure().detail());
            case SizeOutcome.FragNeeded f -> throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "path mtu is below the "
                    + "smallest size tried (" + minBytes + " bytes): next-hop mtu " + f.nextHopMtu() + " from " + address(f));
            case SizeOutcome.TooBigLocally t -> throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "the outgoing "
                    + "interface's mtu " + t.mtu() + " is below the smallest size tried (" + minBytes + " bytes)");
        }
        int lo = minBytes;
        int hi = maxBytes + 1;
        Limit limit = Limit.RANGE_MAX;
        int next = maxBytes;
        while (hi - lo > 1) {
            Trial trial = tester.test(next);
            trials.add(trial);
            int size = next;
            next = -1;
            switch (trial.outcome()) {
                case SizeOutcome.Reply r -> lo = size;
                case SizeOutcome.Vanished v -> {
                    hi = size;
                    limit = Limit.VANISHED;
                }
                case SizeOutcome.Unreachable u -> throw new ProbeException(u.failure().kind(), u.failure().detail());
                case SizeOutcome.FragNeeded f -> {
                    firstFragNeeded = firstFragNeeded == null ? f : firstFragNeeded;
                    hi = size;
                    limit = Limit.FRAG_NEEDED;
                    if (f.nextHopMtu() > lo && f.nextHopMtu() < size) {
                        hi = f.nextHopMtu() + 1;
                        next = f.nextHopMtu();
                    }
                }
                case SizeOutcome.TooBigLocally t -> {
                    hi = size;
                    limit = Limit.LOCAL_INTERFACE;
                    if (t.mtu() > lo && t.mtu() < size) {
                        hi = t.mtu() + 1;
                        next = t.mtu();
                    }
                }
            }
            if (next < 0) {
                next = lo + (hi - lo) / 2;
            }
        }
        return new Outcome(lo, hi, limit, List.copyOf(trials), firstFragNeeded);
    }

    private static String address(SizeOutcome.FragNeeded f) {
        return f.from() == null ? "an unknown router" : f.from().getHostAddress();
    }
}
