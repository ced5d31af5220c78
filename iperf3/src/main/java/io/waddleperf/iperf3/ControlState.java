package io.waddleperf.iperf3;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An iperf3 control-channel state: the signed byte each side writes on the control connection
 * ({@code src/iperf_api.h}, states 1..16, -1, -2), with the one transition table both our server and client follow.
 *
 * <p>States 3 and 5..8 are declared "not used" by iperf3 and are absent here; {@link #IPERF_START} is the server's
 * idle state and is never sent.
 */
public enum ControlState {
    TEST_START(1, Sender.SERVER),
    TEST_RUNNING(2, Sender.SERVER),
    TEST_END(4, Sender.CLIENT),
    PARAM_EXCHANGE(9, Sender.SERVER),
    CREATE_STREAMS(10, Sender.SERVER),
    SERVER_TERMINATE(11, Sender.SERVER),
    CLIENT_TERMINATE(12, Sender.CLIENT),
    EXCHANGE_RESULTS(13, Sender.SERVER),
    DISPLAY_RESULTS(14, Sender.SERVER),
    IPERF_START(15, Sender.NOBODY),
    IPERF_DONE(16, Sender.CLIENT),
    ACCESS_DENIED(-1, Sender.SERVER),
    SERVER_ERROR(-2, Sender.SERVER);

    /** Which end puts a state on the wire. */
    public enum Sender { CLIENT, SERVER, NOBODY }

    private static final ControlState[] BY_BYTE = new ControlState[256];
    private static final Map<ControlState, Set<ControlState>> TRANSITIONS = new EnumMap<>(ControlState.class);

    static {
        for (ControlState s : values()) {
            BY_BYTE[s.wireByte & 0xFF] = s;
        }
        // The one table (DESIGN rule 5), from iperf_run_server / iperf_handle_message_{server,client}:
        // the normal sequence, plus the abort states every non-final state may fall into.
        Set<ControlState> aborts = EnumSet.of(SERVER_ERROR, SERVER_TERMINATE, CLIENT_TERMINATE);
        edge(IPERF_START, PARAM_EXCHANGE, ACCESS_DENIED);
        edge(PARAM_EXCHANGE, CREATE_STREAMS);
        edge(CREATE_STREAMS, TEST_START, ACCESS_DENIED);
        edge(TEST_START, TEST_RUNNING);
        edge(TEST_RUNNING, TEST_END);
        edge(TEST_END, EXCHANGE_RESULTS);
        edge(EXCHANGE_RESULTS, DISPLAY_RESULTS);
        edge(DISPLAY_RESULTS, IPERF_DONE);
        for (ControlState s : EnumSet.of(IPERF_START, PARAM_EXCHANGE, CREATE_STREAMS, TEST_START, TEST_RUNNING,
                TEST_END, EXCHANGE_RESULTS, DISPLAY_RESULTS)) {
            TRANSITIONS.get(s).addAll(aborts);
        }
        for (ControlState s : values()) {
            TRANSITIONS.putIfAbsent(s, EnumSet.noneOf(ControlState.class));
        }
    }

    private static void edge(ControlState from, ControlState... to) {
        TRANSITIONS.computeIfAbsent(from, k -> EnumSet.noneOf(ControlState.class)).addAll(Arrays.asList(to));
    }

    private final byte wireByte;
    private final Sender sender;

    ControlState(int value, Sender sender) {
        this.wireByte = (byte) value;
        this.sender = sender;
    }

    /** The byte written on the control connection (signed: ACCESS_DENIED is 0xFF). */
    public byte wireByte() {
        return wireByte;
    }

    /** The end that sends this state. */
    public Sender sender() {
        return sender;
    }

    /** Whether the table allows moving from this state to {@code next}. */
    public boolean canMoveTo(ControlState next) {
        return TRANSITIONS.get(this).contains(next);
    }

    /** The states reachable from this one in one step. */
    public Set<ControlState> successors() {
        return EnumSet.copyOf(TRANSITIONS.get(this));
    }

    /** Whether no transition leaves this state (the test is over). */
    public boolean isFinal() {
        return TRANSITIONS.get(this).isEmpty();
    }

    /** The state for a received byte, or empty for a value iperf3 does not send. */
    public static Optional<ControlState> fromWire(byte b) {
        return Optional.ofNullable(BY_BYTE[b & 0xFF]);
    }

    /**
     * The checked move from {@code current} to {@code next}.
     *
     * @throws Iperf3Exception with {@link Iperf3Error#IEMESSAGE} when the table has no such edge
     */
    public static ControlState transition(ControlState current, ControlState next) throws Iperf3Exception {
        if (!current.canMoveTo(next)) {
            throw new Iperf3Exception(Iperf3Error.IEMESSAGE, "unexpected " + next + " in state " + current);
        }
        return next;
    }
}
