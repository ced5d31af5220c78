package io.waddleperf.iperf3;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * iperf3's numeric error codes ({@code i_errno}, enum in {@code src/iperf_api.h}) with the text stock iperf3 prints for
 * them ({@code iperf_strerror} in {@code src/iperf_error.c}). A server sends the code after
 * {@link ControlState#SERVER_ERROR} so a stock client prints the matching text.
 */
public enum Iperf3Error {
    IENONE(0, "no error"),
    IESERVCLIENT(1, "cannot be both server and client"),
    IENOROLE(2, "must either be a client (-c) or server (-s)"),
    IESERVERONLY(3, "some option you are trying to set is server only"),
    IECLIENTONLY(4, "some option you are trying to set is client only"),
    IEDURATION(5, "test duration valid values are 0 to 86400 seconds"),
    IENUMSTREAMS(6, "number of parallel streams too large (maximum = 128)"),
    IEBLOCKSIZE(7, "block size too large (maximum = 1048576 bytes)"),
    IEBUFSIZE(8, "socket buffer size too large (maximum = 536870912 bytes)"),
    IEINTERVAL(9, "invalid report interval (min = 0.1, max = 60 seconds)"),
    IEMSS(10, "TCP MSS too large (maximum = 9216 bytes)"),
    IENOSENDFILE(11, "this OS does not support sendfile"),
    IEOMIT(12, "bogus value for --omit (maximum = 600 seconds)"),
    IEUNIMP(13, "an option you are trying to set is not implemented yet"),
    IEFILE(14, "unable to open -F file"),
    IEBURST(15, "invalid burst count (maximum = 1000)"),
    IEENDCONDITIONS(16, "only one test end condition (-t, -n, -k) may be specified"),
    IELOGFILE(17, "unable to open log file"),
    IENOSCTP(18, "no SCTP support available"),
    IEBIND(19, "--bind must be specified to use --cport"),
    IEUDPBLOCKSIZE(20, "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)"),
    IEBADTOS(21, "bad TOS value (must be between 0 and 255 inclusive)"),
    IESETCLIENTAUTH(22, "you must specify a username, password, and path to a valid RSA public key"),
    IESETSERVERAUTH(23, "you must specify a path to a valid RSA private key and a user credential file"),
    IEBADFORMAT(24, "bad format specifier (valid formats are in the set [kmgtKMGT])"),
    IEREVERSEBIDIR(25, "cannot be both reverse and bidirectional"),
    IETOTALRATE(27, "total required bandwidth is larger than server limit"),
    IEMAXSERVERTESTDURATIONEXCEEDED(37, "client's requested duration exceeds the server's maximum permitted limit"),
    IENEWTEST(100, "unable to create a new test"),
    IEINITTEST(101, "test initialization failed"),
    IELISTEN(102, "unable to start listener for connections"),
    IECONNECT(103, "unable to connect to server"),
    IEACCEPT(104, "unable to accept connection from client"),
    IESENDCOOKIE(105, "unable to send cookie to server"),
    IERECVCOOKIE(106, "unable to receive cookie at server"),
    IECTRLWRITE(107, "unable to write to the control socket"),
    IECTRLREAD(108, "unable to read from the control socket"),
    IECTRLCLOSE(109, "control socket has closed unexpectedly"),
    IEMESSAGE(110, "received an unknown control message (ensure other side is iperf3 and not iperf)"),
    IESENDMESSAGE(111, "unable to send control message"),
    IERECVMESSAGE(112, "unable to receive control message"),
    IESENDPARAMS(113, "unable to send parameters to server"),
    IERECVPARAMS(114, "unable to receive parameters from client"),
    IEPACKAGERESULTS(115, "unable to package results"),
    IESENDRESULTS(116, "unable to send results"),
    IERECVRESULTS(117, "unable to receive results"),
    IESELECT(118, "select failed"),
    IECLIENTTERM(119, "the client has terminated"),
    IESERVERTERM(120, "the server has terminated"),
    IEACCESSDENIED(121, "the server is busy running a test. try again later"),
    IESETNODELAY(122, "unable to set TCP/SCTP NODELAY"),
    IESETMSS(123, "unable to set TCP/SCTP MSS"),
    IESETBUF(124, "unable to set socket buffer size"),
    IESETTOS(125, "unable to set IP TOS"),
    IESETCOS(126, "unable to set IPv6 traffic class"),
    IESETFLOW(127, "unable to set IPv6 flow label"),
    IEREUSEADDR(128, "unable to reuse address on socket"),
    IENONBLOCKING(129, "unable to set socket to non-blocking"),
    IESETWINDOWSIZE(130, "unable to set socket window size"),
    IEPROTOCOL(131, "protocol does not exist"),
    IEAFFINITY(132, "unable to set CPU affinity"),
    IEDAEMON(133, "unable to become a daemon"),
    IESETCONGESTION(134, "unable to set TCP_CONGESTION: Supplied congestion control algorithm not supported on this host"),
    IEPIDFILE(135, "unable to write PID file"),
    IEV6ONLY(136, "Unable to set/reset IPV6_V6ONLY"),
    IESETPACING(140, "unable to set socket pacing"),
    IESETBUF2(141, "socket buffer size not set correctly"),
    IEAUTHTEST(142, "test authorization failed"),
    IENOMSG(144, "idle timeout for receiving data"),
    IESERVERTESTDURATIONEXPIRED(160, "server test duration expired"),
    IECREATESTREAM(200, "unable to create a new stream"),
    IEINITSTREAM(201, "unable to initialize stream"),
    IESTREAMLISTEN(202, "unable to start stream listener"),
    IESTREAMCONNECT(203, "unable to connect stream"),
    IESTREAMACCEPT(204, "unable to accept stream connection"),
    IESTREAMWRITE(205, "unable to write to stream socket"),
    IESTREAMREAD(206, "unable to read from stream socket"),
    IESTREAMCLOSE(207, "stream socket has closed unexpectedly"),
    IESTREAMID(208, "stream has an invalid id");

    private static final Map<Integer, Iperf3Error> BY_CODE = new HashMap<>();

    static {
        for (Iperf3Error e : values()) {
            BY_CODE.put(e.code, e);
        }
    }

    private final int code;
    private final String message;

    Iperf3Error(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** The number on the wire ({@code i_errno}). */
    public int code() {
        return code;
    }

    /** The text stock iperf3 prints for this code. */
    public String message() {
        return message;
    }

    /** The error with this code, or empty for a code this table does not know. */
    public static Optional<Iperf3Error> fromCode(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
