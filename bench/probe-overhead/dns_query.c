/* DNS query loop: count A queries (EDNS(0), 1232 bytes, as the dns probe sends) over UDP, interval_ms apart;
   prints each query time in ms (send to answer with our id). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: %s ip port name count interval_ms\n", argv[0]); return 2; }
  int count = atoi(argv[4]), interval_ms = atoi(argv[5]);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[2])); inet_pton(AF_INET, argv[1], &a.sin_addr);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct timeval tv = {1, 0}; setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
  unsigned char q[512], r[65536]; size_t n = 12;
  memset(q, 0, sizeof q); q[2] = 0x01; q[5] = 1; q[11] = 1;       /* RD, QDCOUNT 1, ARCOUNT 1 */
  for (char *name = strdup(argv[3]), *label = strtok(name, "."); label; label = strtok(NULL, ".")) {
    q[n++] = (unsigned char)strlen(label); memcpy(q + n, label, strlen(label)); n += strlen(label);
  }
  q[n++] = 0; q[n++] = 0; q[n++] = 1; q[n++] = 0; q[n++] = 1;        /* root, QTYPE A, QCLASS IN */
  unsigned char opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};  /* OPT, payload 1232 */
  memcpy(q + n, opt, sizeof opt); n += sizeof opt;
  srand(getpid());
  for (int i = 0; i < count; i++) {
    uint16_t id = (uint16_t)rand(); q[0] = id >> 8; q[1] = id & 0xff;
    double t0 = now_ms();
    if (send(s, q, n, 0) < 0) { perror("send"); return 1; }
    ssize_t got;
    while ((got = recv(s, r, sizeof r, 0)) >= 2 && (r[0] != q[0] || r[1] != q[1])) {}
    double t1 = now_ms();
    if (got < 0) printf("lost\n"); else printf("%.4f\n", t1 - t0);
    fflush(stdout);
    usleep(interval_ms * 1000);
  }
  return 0;
}
