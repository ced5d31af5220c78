/* The C/OpenSSL floor for the tls probe's handshake (bench/tls-floor.sh, docs/BENCHMARKS.md §6).
 * Per attempt, as the probe does: a fresh SSL_CTX (trust, version bounds) and SSL (SNI, host name check) set up
 * outside the timing; socket + connect timed alone; SSL_connect timed alone. Verification is on when a CA file is
 * given (chain and host name, as the probe's default), off otherwise.
 *   usage: tls_handshake host port count [ca_file|-] [1.2|1.3|-] [interval_ms]
 * Prints one line per attempt: connect_ms tls_ms version cipher (or "failed <reason>"). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s host port count [ca_file|-] [1.2|1.3|-] [interval_ms] [file|system]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]), count = atoi(argv[3]);
    const char *ca = argc > 4 && strcmp(argv[4], "-") != 0 ? argv[4] : NULL;
    const char *version = argc > 5 && strcmp(argv[5], "-") != 0 ? argv[5] : NULL;
    int interval_ms = argc > 6 ? atoi(argv[6]) : 10;
    /* "system": the system's default trust paths as well as the CA file, as the probes trust by default */
    int system_trust = argc > 7 && strcmp(argv[7], "system") == 0;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "host must be an IPv4 address\n");
        return 2;
    }
    for (int i = 0; i < count; i++) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        if (system_trust && SSL_CTX_set_default_verify_paths(ctx) != 1) {
            fprintf(stderr, "cannot load the default trust paths\n");
            return 1;
        }
        if (ca) {
            if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
                fprintf(stderr, "cannot load %s\n", ca);
                return 1;
            }
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        }
        if (version) {
            int v = strcmp(version, "1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION;
            SSL_CTX_set_min_proto_version(ctx, v);
            SSL_CTX_set_max_proto_version(ctx, v);
        }
        SSL *ssl = SSL_new(ctx);
        SSL_set_tlsext_host_name(ssl, "localhost");
        if (ca) {
            SSL_set1_host(ssl, "localhost");
        }
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        double t0 = now_ms();
        int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
        double t1 = now_ms();
        if (rc != 0) {
            perror("connect");
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        SSL_set_fd(ssl, fd);
        double t2 = now_ms();
        rc = SSL_connect(ssl);
        double t3 = now_ms();
        if (rc == 1) {
            printf("%.4f %.4f %s %s\n", t1 - t0, t3 - t2, SSL_get_version(ssl), SSL_get_cipher_name(ssl));
        } else {
            char reason[256];
            ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
            printf("failed %s\n", reason);
        }
        fflush(stdout);
        SSL_free(ssl);
        close(fd);
        SSL_CTX_free(ctx);
        ERR_clear_error();
        if (interval_ms > 0) {
            usleep(interval_ms * 1000);
        }
    }
    return 0;
}
