package io.waddleperf.probes.mtu;

import io.waddleperf.probes.Failures;
import java.net.InetAddress;

/** What happened to packets of one size on the path: the answer that decides the search's next step. */
sealed interface SizeOutcome {

    /** An echo reply of the full size came back: packets this big pass. */
    record Reply(double rttMs) implements SizeOutcome {
    }

    /**
     * A router answered ICMP fragmentation needed (RFC 1191; ICMPv6 packet too big, RFC 8201) naming the MTU of its
     * next hop; {@code nextHopMtu} is 0 when the router predates RFC 1191.
     */
    record FragNeeded(int nextHopMtu, InetAddress from) implements SizeOutcome {
    }

    /** The local stack refused the send (EMSGSIZE): larger than the outgoing interface's MTU, which it names (0 unknown). */
    record TooBigLocally(int mtu) implements SizeOutcome {
    }

    /** Every try went unanswered, with no ICMP error either. */
    record Vanished() implements SizeOutcome {
    }

    /** An ICMP error other than fragmentation needed (unreachable, time exceeded): the path itself is broken. */
    record Unreachable(Failures.Failure failure) implements SizeOutcome {
    }
}
