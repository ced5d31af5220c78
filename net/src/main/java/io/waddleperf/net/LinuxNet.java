package io.waddleperf.net;

/**
 * Linux constants used by this package (sockets, namespaces, scheduling). Every value is the same on x86-64 and aarch64: both take them from
 * the generic kernel headers ({@code include/uapi/linux/socket.h}, {@code in.h}, {@code in6.h},
 * {@code netlink.h}, {@code errqueue.h}, {@code asm-generic/socket.h}, {@code asm-generic/poll.h}, {@code sched.h}); the
 * architectures that differ (alpha, mips, parisc, sparc) are not supported.
 */
public final class LinuxNet {

    private LinuxNet() {
    }

    // socket(2) domains and types (socket.h, linux/net.h).
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000; // 02000000, = O_CLOEXEC on x86-64 and aarch64
    public static final int SOCK_NONBLOCK = 0x800; // 04000, = O_NONBLOCK on x86-64 and aarch64

    // Protocols (in.h): ICMP (RFC 792) and ICMPv6 (RFC 4443).
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;

    // Netlink (linux/netlink.h): the socket-diagnostics family, message flags and control message types.
    public static final int NETLINK_SOCK_DIAG = 4;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLMSG_ERROR = 0x2;
    public static final int NLMSG_DONE = 0x3;

    // Socket-level options (asm-generic/socket.h).
    public static final int SOL_SOCKET = 1;
    public static final int SO_TYPE = 3;
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_ERROR = 4;
    public static final int SO_RCVBUF = 8;
    // TCP-level options (linux/tcp.h), at level IPPROTO_TCP.
    public static final int TCP_MAXSEG = 2;
    public static final int TCP_CONGESTION = 13;
    /** Longest congestion control name, terminating NUL included (include/net/tcp.h). */
    public static final int TCP_CA_NAME_MAX = 16;
    // Kernel time stamps (Documentation/networking/timestamping.rst): SO_TIMESTAMPING (the "old" number, whose
    // struct timespec has a 64-bit tv_sec on LP64) and the flags it takes; SCM_TIMESTAMPING carries three timespecs,
    // the first the software stamp.
    public static final int SO_TIMESTAMPING = 37;
    public static final int SCM_TIMESTAMPING = 37;
    public static final int SOF_TIMESTAMPING_RX_SOFTWARE = 1 << 3;
    public static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
    public static final int SOF_TIMESTAMPING_TX_SCHED = 1 << 8;
    public static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    /** {@code ee_info} of a transmit time stamp taken before the packet entered the device's queue (qdisc). */
    public static final int SCM_TSTAMP_SCHED = 1;

    // IPv4 options, ip(7).
    public static final int IP_TTL = 2;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_RECVERR = 11;
    public static final int IP_RECVTTL = 12;
    public static final int IP_MTU = 14;
    public static final int IP_PMTUDISC_DONT = 0;
    public static final int IP_PMTUDISC_DO = 2;
    public static final int IP_PMTUDISC_PROBE = 3;

    // IPv6 options, ipv6(7) and RFC 3542.
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MTU_DISCOVER = 23;
    public static final int IPV6_MTU = 24;
    public static final int IPV6_RECVERR = 25;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;
    public static final int IPV6_PMTUDISC_DONT = 0;
    public static final int IPV6_PMTUDISC_DO = 2;
    public static final int IPV6_PMTUDISC_PROBE = 3;

    // recv(2)/send(2) flags.
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_ERRQUEUE = 0x2000;

    // poll(2) events.
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;

    // sock_extended_err.ee_origin (linux/errqueue.h).
    public static final int SO_EE_ORIGIN_NONE = 0;
    public static final int SO_EE_ORIGIN_LOCAL = 1;
    public static final int SO_EE_ORIGIN_ICMP = 2;
    public static final int SO_EE_ORIGIN_ICMP6 = 3;
    public static final int SO_EE_ORIGIN_TIMESTAMPING = 4;

    // setns(2), sched_setscheduler(2) (sched.h) and open(2).
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int SCHED_FIFO = 1;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
}
