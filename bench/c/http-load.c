/*
 * N concurrent HTTP/1.1 speed-test clients on loopback, for a fixed time.
 *
 *   http-load download|upload N SECONDS HOST:PORT/PATH [UPLOAD_BYTES]
 *
 * Each client is a thread with one kept-alive TCP connection that repeats its request until the time is up:
 * download = GET PATH and read the whole Content-Length body (into a reused buffer, never looked at); upload = POST
 * PATH with a body of UPLOAD_BYTES (default 64 MiB, sent from one reused buffer, Content-Length set, no
 * "Expect: 100-continue") and read the answer. Bytes are counted as they move, so a transfer still running at the
 * end counts up to that moment. A status other than 200 stops the program with exit code 1.
 *
 * Prints: N, aggregate Gbit/s, then per-client Gbit/s min, median and max.
 * Plain C and threads, as a browser or librespeed-cli would hold one connection per stream; the client's own cost is
 * the same for every server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF (256 * 1024)

static struct sockaddr_in addr;
static char host[64], path[256];
static int upload;
static long upload_bytes = 64L << 20;
static double deadline;
static atomic_int failed;

struct client {
    pthread_t thread;
    long bytes;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what) {
    if (atomic_fetch_add(&failed, 1) == 0) {
        fprintf(stderr, "http-load: %s (%s)\n", what, errno ? strerror(errno) : "protocol");
    }
}

/* Reads a response header into buf; returns the body bytes already in buf after it, -1 on failure. */
static long read_header(int fd, char *buf, long *content_length, int *chunked) {
    long have = 0;
    char *end = NULL;
    while (!end) {
        if (have >= 16383) { errno = 0; fail("header too long"); return -1; }
        ssize_t r = read(fd, buf + have, 16383 - have);
        if (r <= 0) return -1;
        have += r;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0) { errno = 0; fail("status is not 200"); return -1; }
    *content_length = -1;
    *chunked = 0;
    for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0) *content_length = strtol(line + 17, NULL, 10);
        if (strncasecmp(line + 2, "Transfer-Encoding: chunked", 26) == 0) *chunked = 1;
    }
    long rest = have - (end + 4 - buf);
    memmove(buf, end + 4, rest);
    return rest;
}

/* One request and response; adds moved bytes to *bytes. Returns 0 to go on, -1 when the time is up or it failed. */
static int exchange(int fd, char *buf, const char *body, long *bytes) {
    char req[512];
    int n = upload
        ? snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"
                   "Content-Length: %ld\r\n\r\n", path, host, upload_bytes)
        : snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
    if (write(fd, req, n) != n) return -1;
    if (upload) {
        for (long sent = 0; sent < upload_bytes;) {
            if (now_s() >= deadline) return -1;
            long want = upload_bytes - sent < BUF ? upload_bytes - sent : BUF;
            ssize_t w = write(fd, body, want);
            if (w <= 0) return -1;
            sent += w;
            *bytes += w;
        }
    }
    long length;
    int chunked;
    long have = read_header(fd, buf, &length, &chunked);
    if (have < 0) return -1;
    if (chunked) { /* a small answer: read until the last chunk */
        buf[have] = 0;
        while (!strstr(buf, "0\r\n\r\n")) {
            ssize_t r = read(fd, buf + have, 16383 - have);
            if (r <= 0) return -1;
            have += r;
            buf[have] = 0;
        }
        return 0;
    }
    if (length < 0) { errno = 0; fail("no Content-Length"); return -1; }
    if (!upload) *bytes += have;
    while (have < length) {
        if (!upload && now_s() >= deadline) return -1;
        ssize_t r = read(fd, buf, length - have < BUF ? length - have : BUF);
        if (r <= 0) return -1;
        have += r;
        if (!upload) *bytes += r;
    }
    return 0;
}

static void *run(void *arg) {
    struct client *c = arg;
    char *buf = malloc(BUF + 16384);
    char *body = calloc(1, BUF);
    for (int i = 0; i < BUF; i++) body[i] = (char) (i * 2654435761u >> 24); /* not all zeros, not compressible by us */
    int fd = -1;
    while (now_s() < deadline && !atomic_load(&failed)) {
        if (fd < 0) {
            fd = socket(AF_INET, SOCK_STREAM, 0);
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) { fail("connect"); break; }
        }
        if (exchange(fd, buf, body, &c->bytes) < 0) { close(fd); fd = -1; }
    }
    if (fd >= 0) close(fd);
    free(buf);
    free(body);
    return NULL;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 5 || (strcmp(argv[1], "download") && strcmp(argv[1], "upload"))) {
        fprintf(stderr, "usage: %s download|upload N SECONDS HOST:PORT/PATH [UPLOAD_BYTES]\n", argv[0]);
        return 2;
    }
    upload = strcmp(argv[1], "upload") == 0;
    int n = atoi(argv[2]);
    double seconds = atof(argv[3]);
    if (argc > 5) upload_bytes = atol(argv[5]);
    char *slash = strchr(argv[4], '/'), *colon = strchr(argv[4], ':');
    if (n < 1 || seconds <= 0 || !slash || !colon || colon > slash || upload_bytes < 1) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    snprintf(host, sizeof host, "%.*s", (int) (slash - argv[4]), argv[4]);
    snprintf(path, sizeof path, "%s", slash);
    char ip[32];
    snprintf(ip, sizeof ip, "%.*s", (int) (colon - argv[4]), argv[4]);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) atoi(colon + 1));
    if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", ip); return 2; }

    struct client *clients = calloc((size_t) n, sizeof *clients);
    double start = now_s();
    deadline = start + seconds;
    for (int i = 0; i < n; i++) pthread_create(&clients[i].thread, NULL, run, &clients[i]);
    for (int i = 0; i < n; i++) pthread_join(clients[i].thread, NULL);
    double elapsed = now_s() - start;
    if (atomic_load(&failed)) return 1;
    double *per = calloc((size_t) n, sizeof(double)), total = 0;
    for (int i = 0; i < n; i++) {
        per[i] = clients[i].bytes * 8 / elapsed / 1e9;
        total += per[i];
    }
    qsort(per, (size_t) n, sizeof(double), by_value);
    printf("%d %.3f %.3f %.3f %.3f\n", n, total, per[0], per[n / 2], per[n - 1]);
    return 0;
}
