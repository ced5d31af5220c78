/*
 * UDP echo load generator: many clients, each on its own socket bound to its own 127.x.y.z source address, sending
 * small echo requests at a fixed total rate to one server, for WaddlePerf's echo protocol (docs/PROTOCOL-udp-echo.md)
 * or irtt's (github.com/heistp/irtt, packet.go / params.go). Written in C because a client in a scripting language
 * saturates its own core long before a server does.
 *
 *   usage: udp-echo-load wpec|irtt HOST PORT CLIENTS RATE SECONDS [SIZE=64]
 *
 * Request k (k = 0, 1, 2, ...) leaves at start + k / RATE from client k mod CLIENTS, so every client sends at
 * RATE / CLIENTS per second, evenly spaced; one thread sends, one thread receives (epoll over all sockets). Each
 * request carries k as its sequence number; a reply is matched to its request by it and timed on CLOCK_MONOTONIC
 * from just before the send call to the receive. irtt needs a session per client first: each socket sends irtt's
 * open request (the parameters `irtt client -i <interval> -l SIZE` sends, timestamps and received statistics
 * included) and keeps the connection token of the reply.
 *
 * Prints one line of key=value pairs: sent, received (distinct requests answered), lost, invalid replies, the worst
 * send lag behind schedule, RTT percentiles, this program's own CPU seconds, and the UDP receive-buffer drops the
 * kernel counted during the run on the server's socket (local port PORT) and on this program's sockets
 * (/proc/net/udp and udp6, `drops` column) — which tell whether a loss happened at the server or here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum proto { WPEC, IRTT };

#define HIST_US 200000          /* RTT histogram: 1 us buckets up to 200 ms, then one overflow bucket */
#define RING (1u << 22)         /* send times by sequence number; a reply older than this many requests is too late */
#define SRC_PER_OCTET 250

static enum proto proto;
static int nclients, size;
static int *fds;
static uint64_t *tokens;       /* irtt connection token per client */
static uint64_t *send_ns;      /* RING entries, by k & (RING - 1) */
static uint8_t *answered;      /* RING entries: 1 once request k was answered */
static uint64_t hist[HIST_US + 1];
static atomic_long received, invalid, duplicates;
static atomic_int stop;
static int epfd;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Sum of the `drops` column of /proc/net/udp and udp6 for sockets whose local port is `port` (port > 0) or whose
   local IPv4 address is in 127.1.0.0/16 (port == 0: this program's sockets). */
static long udp_drops(int port) {
    long total = 0;
    const char *files[] = {"/proc/net/udp", "/proc/net/udp6"};
    for (int f = 0; f < 2; f++) {
        FILE *in = fopen(files[f], "r");
        if (!in) continue;
        char line[512], local[64];
        if (!fgets(line, sizeof line, in)) { fclose(in); continue; }
        while (fgets(line, sizeof line, in)) {
            long drops;
            /* sl local rem st tx:rx tr:when retr uid timeout inode ref pointer drops */
            if (sscanf(line, "%*s %63s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %ld", local, &drops) != 2) continue;
            char *colon = strrchr(local, ':');
            if (!colon) continue;
            int lport = (int) strtol(colon + 1, NULL, 16);
            *colon = 0;
            size_t len = strlen(local);
            /* IPv4 address in host (little-endian) byte order: 127.1.x.y is written yyxx017F */
            int ours = len == 8 && strncmp(local + 4, "017F", 4) == 0;
            if (port > 0 ? lport == port : ours) total += drops;
        }
        fclose(in);
    }
    return total;
}

static size_t put_uvarint(uint8_t *b, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) { b[n++] = (uint8_t) (v | 0x80); v >>= 7; }
    b[n++] = (uint8_t) v;
    return n;
}

/* Go's binary.PutVarint: zig-zag, then uvarint */
static size_t put_varint(uint8_t *b, int64_t v) {
    return put_uvarint(b, ((uint64_t) v << 1) ^ (uint64_t) (v >> 63));
}

/* irtt's open request: magic 14 a7 5b, flags = open (0x01), then the parameters as (uvarint type, varint value) */
static size_t irtt_open_request(uint8_t *b, int64_t interval_ns) {
    size_t n = 0;
    b[n++] = 0x14; b[n++] = 0xa7; b[n++] = 0x5b; b[n++] = 0x01;
    int64_t params[][2] = {
        {1, 1},                              /* protocol version 1 */
        {2, 3600LL * 1000000000LL},          /* duration: 1 h (only bounds the session; the server sets no maximum) */
        {3, interval_ns},                    /* interval */
        {4, 0},                              /* length, filled below */
        {5, 3},                              /* received stats: count and window */
        {6, 3},                              /* stamp at: receive and send */
        {7, 3},                              /* clock: wall and monotonic */
    };
    params[3][1] = size;
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        n += put_uvarint(b + n, (uint64_t) params[i][0]);
        n += put_varint(b + n, params[i][1]);
    }
    return n;
}

static void irtt_handshake(int64_t interval_ns) {
    uint8_t req[64], buf[2048];
    size_t len = irtt_open_request(req, interval_ns);
    int open = 0;
    /* Batches, so the server's socket buffer is not flooded with opens; a lost open is sent again. */
    for (int base = 0; base < nclients; base += 200) {
        int end = base + 200 < nclients ? base + 200 : nclients;
        for (int attempt = 0; attempt < 50; attempt++) {
            int missing = 0;
            for (int i = base; i < end; i++) {
                if (tokens[i]) continue;
                missing++;
                if (send(fds[i], req, len, 0) < 0 && errno != EAGAIN) die("send open");
            }
            if (!missing) break;
            struct epoll_event ev[256];
            uint64_t until = now_ns() + 100000000u;
            while (now_ns() < until) {
                int n = epoll_wait(epfd, ev, 256, 20);
                for (int e = 0; e < n; e++) {
                    int i = (int) ev[e].data.u32;
                    ssize_t r;
                    while ((r = recv(fds[i], buf, sizeof buf, 0)) > 0) {
                        if (r >= 12 && buf[0] == 0x14 && buf[1] == 0xa7 && buf[2] == 0x5b && (buf[3] & 0x03) == 0x03
                                && !tokens[i]) {
                            memcpy(&tokens[i], buf + 4, 8);   /* little-endian on the wire and here */
                            open++;
                        }
                    }
                }
                int done = 1;
                for (int i = base; i < end && done; i++) done = tokens[i] != 0;
                if (done) break;
            }
        }
    }
    if (open < nclients) {
        fprintf(stderr, "irtt: only %d of %d sessions opened\n", open, nclients);
        exit(1);
    }
}

static void *receiver(void *arg) {
    (void) arg;
    struct epoll_event ev[1024];
    uint8_t buf[65536];
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        int n = epoll_wait(epfd, ev, 1024, 50);
        for (int e = 0; e < n; e++) {
            int i = (int) ev[e].data.u32;
            ssize_t r;
            while ((r = recv(fds[i], buf, sizeof buf, 0)) > 0) {
                uint64_t t = now_ns();
                uint64_t k;
                if (proto == WPEC) {
                    if (r != size || memcmp(buf, "WPEC", 4) != 0 || buf[4] != 1 || (buf[5] & 0x01) == 0) {
                        atomic_fetch_add(&invalid, 1);
                        continue;
                    }
                    k = 0;
                    for (int b = 8; b < 16; b++) k = (k << 8) | buf[b];
                } else {
                    if (r < 16 || buf[0] != 0x14 || buf[1] != 0xa7 || buf[2] != 0x5b || (buf[3] & 0x02) == 0) {
                        atomic_fetch_add(&invalid, 1);
                        continue;
                    }
                    uint32_t s;
                    memcpy(&s, buf + 12, 4);
                    k = s;
                }
                uint32_t slot = (uint32_t) k & (RING - 1);
                if (answered[slot]) { atomic_fetch_add(&duplicates, 1); continue; }
                answered[slot] = 1;
                uint64_t us = (t - send_ns[slot]) / 1000;
                hist[us < HIST_US ? us : HIST_US]++;
                atomic_fetch_add(&received, 1);
            }
        }
    }
    return NULL;
}

static double percentile_ms(long count, double p) {
    long rank = (long) (p / 100.0 * (double) (count - 1)), seen = 0;
    for (int us = 0; us <= HIST_US; us++) {
        seen += (long) hist[us];
        if (seen > rank) return us / 1000.0;
    }
    return HIST_US / 1000.0;
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s wpec|irtt HOST PORT CLIENTS RATE SECONDS [SIZE=64]\n", argv[0]);
        return 2;
    }
    proto = strcmp(argv[1], "irtt") == 0 ? IRTT : WPEC;
    int port = atoi(argv[3]);
    nclients = atoi(argv[4]);
    double rate = atof(argv[5]), seconds = atof(argv[6]);
    size = argc > 7 ? atoi(argv[7]) : 64;
    if (nclients < 1 || nclients > SRC_PER_OCTET * 256 || rate <= 0 || seconds <= 0 || size < 40 || size > 1400) {
        fprintf(stderr, "bad arguments (1..64000 clients, size 40..1400)\n");
        return 2;
    }
    long total = (long) (rate * seconds);
    if (total >= (long) RING) {
        fprintf(stderr, "at most %u requests per run\n", RING - 1);
        return 2;
    }
    struct rlimit rl = {(rlim_t) nclients + 64, (rlim_t) nclients + 64};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) die("setrlimit RLIMIT_NOFILE");

    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    if (inet_pton(AF_INET, argv[2], &server.sin_addr) != 1) { fprintf(stderr, "HOST must be an IPv4 address\n"); return 2; }
    fds = calloc((size_t) nclients, sizeof *fds);
    tokens = calloc((size_t) nclients, sizeof *tokens);
    send_ns = calloc(RING, sizeof *send_ns);
    answered = calloc(RING, 1);
    if (!fds || !tokens || !send_ns || !answered) die("calloc");
    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    for (int i = 0; i < nclients; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0) die("socket");
        /* client i speaks from 127.1.x.y: a source address of its own, as distinct hosts would */
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((unsigned) (i / SRC_PER_OCTET) << 8)
                                    | (unsigned) (1 + i % SRC_PER_OCTET));
        if (bind(fd, (struct sockaddr *) &src, sizeof src) != 0) die("bind");
        if (connect(fd, (struct sockaddr *) &server, sizeof server) != 0) die("connect");
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
        fds[i] = fd;
    }
    int64_t interval_ns = (int64_t) (1e9 * nclients / rate);
    if (proto == IRTT) irtt_handshake(interval_ns);

    long server_drops0 = udp_drops(port), own_drops0 = udp_drops(0);
    struct rusage ru0;
    getrusage(RUSAGE_SELF, &ru0);
    pthread_t rx;
    if (pthread_create(&rx, NULL, receiver, NULL) != 0) die("pthread_create");

    uint8_t req[1400];
    memset(req, 0, sizeof req);
    if (proto == WPEC) {
        memcpy(req, "WPEC", 4);
        req[4] = 1;
    } else {
        req[0] = 0x14; req[1] = 0xa7; req[2] = 0x5b;
    }
    uint64_t start = now_ns() + 20000000u, max_lag = 0;
    long sent = 0, send_errors = 0;
    for (long k = 0; k < total; k++) {
        uint64_t due = start + (uint64_t) ((double) k * 1e9 / rate);
        uint64_t t = now_ns();
        if (t < due) {
            struct timespec ts = {(time_t) (due / 1000000000u), (long) (due % 1000000000u)};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
            t = now_ns();
        }
        if (t - due > max_lag) max_lag = t - due;
        int i = (int) (k % nclients);
        uint32_t slot = (uint32_t) k & (RING - 1);
        if (proto == WPEC) {
            for (int b = 0; b < 8; b++) req[8 + b] = (uint8_t) ((uint64_t) k >> (56 - 8 * b));
            for (int b = 0; b < 8; b++) req[16 + b] = (uint8_t) (t >> (56 - 8 * b));
        } else {
            memcpy(req + 4, &tokens[i], 8);
            uint32_t s = (uint32_t) k;
            memcpy(req + 12, &s, 4);
        }
        send_ns[slot] = t;
        if (send(fds[i], req, (size_t) size, 0) == size) sent++; else send_errors++;
    }
    /* stragglers: up to a second, or until everything sent is answered */
    uint64_t drain_until = now_ns() + 1000000000u;
    while (now_ns() < drain_until && atomic_load(&received) < sent) usleep(10000);
    atomic_store(&stop, 1);
    pthread_join(rx, NULL);
    struct rusage ru1;
    getrusage(RUSAGE_SELF, &ru1);
    double cpu = (double) (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6
               + (double) (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
    long got = atomic_load(&received);
    printf("proto=%s clients=%d rate=%.0f seconds=%.1f sent=%ld received=%ld lost=%ld send_errors=%ld invalid=%ld "
           "duplicates=%ld max_send_lag_ms=%.3f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f gen_cpu_s=%.2f "
           "server_socket_drops=%ld gen_socket_drops=%ld\n",
           argv[1], nclients, rate, seconds, sent, got, sent - got, send_errors, atomic_load(&invalid),
           atomic_load(&duplicates), max_lag / 1e6, percentile_ms(got, 50), percentile_ms(got, 99),
           percentile_ms(got, 99.9), cpu, udp_drops(port) - server_drops0, udp_drops(0) - own_drops0);
    return 0;
}
