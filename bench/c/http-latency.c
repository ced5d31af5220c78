/*
 * HTTP/1.1 request latency on loopback, several servers interleaved in blocks of requests.
 *
 *   http-latency fresh|keepalive COUNT WARMUP BLOCK LABEL=HOST:PORT/PATH ...
 *
 * Requests go to the targets in blocks of BLOCK GETs each, round after round (A A A B B B C C C A A A ...), so
 * drift on a shared machine hits all targets alike while each server still sees requests back to back, as from one
 * client (a block of 1, strict A B C alternation, makes every request wake a server that has just gone idle, which
 * made nginx's kept-alive p50 six times longer on loopback). "fresh" opens a new TCP connection for every request
 * (the time covers connect, request and the whole response, as a browser's first request to a host does);
 * "keepalive" reuses one connection per target (the time covers request and response only). WARMUP requests per
 * target run first (in the same blocks) and are not counted. The response must be 200 with a Content-Length body
 * (read to its end); anything else stops the program with exit code 1.
 *
 * Prints one line per target: label, count, p50, p90, p99, min and mean in milliseconds.
 * Plain C (POSIX sockets, CLOCK_MONOTONIC); no library beyond libc, so the client's own cost is small and the same
 * for every server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct target {
    const char *label;
    struct sockaddr_in addr;
    char request[512];
    size_t request_len;
    int fd;          /* kept-alive connection, -1 when none */
    double *samples; /* milliseconds */
    int n;
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *label) {
    fprintf(stderr, "http-latency: %s: %s (%s)\n", label, what, errno ? strerror(errno) : "protocol");
    exit(1);
}

static int open_connection(struct target *t) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket", t->label);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as curl and browsers do */
    if (connect(fd, (struct sockaddr *) &t->addr, sizeof t->addr) < 0) die("connect", t->label);
    return fd;
}

/* Sends the request and reads one whole response on fd. */
static void exchange(struct target *t, int fd) {
    size_t off = 0;
    while (off < t->request_len) {
        ssize_t w = write(fd, t->request + off, t->request_len - off);
        if (w <= 0) die("write", t->label);
        off += (size_t) w;
    }
    char buf[16384];
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == sizeof buf - 1) { errno = 0; die("response header too long", t->label); }
        ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0) { if (r == 0) errno = 0; die("read header", t->label); }
        have += (size_t) r;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    errno = 0;
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0) die("status is not 200", t->label);
    long length = -1;
    for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0) length = strtol(line + 17, NULL, 10);
    }
    if (length < 0) die("no Content-Length", t->label);
    long body = (long) (have - (size_t) (end + 4 - buf));
    while (body < length) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) { if (r == 0) errno = 0; die("read body", t->label); }
        body += r;
    }
    if (body != length) die("body longer than Content-Length", t->label);
}

static double one_request(struct target *t, int fresh) {
    double start = now_ms();
    if (fresh) {
        int fd = open_connection(t);
        exchange(t, fd);
        double ms = now_ms() - start;
        close(fd);
        return ms;
    }
    if (t->fd < 0) t->fd = open_connection(t);
    exchange(t, t->fd);
    return now_ms() - start;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static double percentile(const double *s, int n, double p) {
    int rank = (int) (p / 100.0 * n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return s[rank - 1];
}

int main(int argc, char **argv) {
    if (argc < 6 || (strcmp(argv[1], "fresh") && strcmp(argv[1], "keepalive"))) {
        fprintf(stderr, "usage: %s fresh|keepalive COUNT WARMUP BLOCK LABEL=HOST:PORT/PATH ...\n", argv[0]);
        return 2;
    }
    int fresh = strcmp(argv[1], "fresh") == 0;
    int count = atoi(argv[2]), warmup = atoi(argv[3]), block = atoi(argv[4]), nt = argc - 5;
    if (count < 1 || warmup < 0 || block < 1) { fprintf(stderr, "COUNT and BLOCK must be >= 1, WARMUP >= 0\n"); return 2; }
    struct target *targets = calloc((size_t) nt, sizeof *targets);
    for (int i = 0; i < nt; i++) {
        struct target *t = &targets[i];
        char *spec = strdup(argv[5 + i]);
        char *eq = strchr(spec, '='), *colon = eq ? strchr(eq, ':') : NULL, *slash = colon ? strchr(colon, '/') : NULL;
        if (!slash) { fprintf(stderr, "bad target %s (want LABEL=HOST:PORT/PATH)\n", argv[5 + i]); return 2; }
        *eq = 0; *colon = 0;
        t->label = spec;
        t->addr.sin_family = AF_INET;
        char port[8] = {0};
        snprintf(port, sizeof port, "%.*s", (int) (slash - colon - 1), colon + 1);
        t->addr.sin_port = htons((unsigned short) atoi(port));
        if (inet_pton(AF_INET, eq + 1, &t->addr.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", eq + 1); return 2; }
        t->request_len = (size_t) snprintf(t->request, sizeof t->request,
                "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: http-latency\r\nAccept: */*\r\n\r\n", slash, eq + 1, port);
        t->fd = -1;
        t->samples = calloc((size_t) count, sizeof(double));
    }
    for (int done = 0; done < warmup + count; done += block) {
        int k = warmup + count - done < block ? warmup + count - done : block;
        for (int i = 0; i < nt; i++) {
            for (int j = 0; j < k; j++) {
                double ms = one_request(&targets[i], fresh);
                if (done + j >= warmup) targets[i].samples[targets[i].n++] = ms;
            }
        }
    }
    for (int i = 0; i < nt; i++) {
        struct target *t = &targets[i];
        double sum = 0;
        for (int k = 0; k < t->n; k++) sum += t->samples[k];
        qsort(t->samples, (size_t) t->n, sizeof(double), by_value);
        printf("%s %d %.3f %.3f %.3f %.3f %.3f\n", t->label, t->n, percentile(t->samples, t->n, 50),
               percentile(t->samples, t->n, 90), percentile(t->samples, t->n, 99), t->samples[0], sum / t->n);
        if (t->fd >= 0) close(t->fd);
    }
    return 0;
}
