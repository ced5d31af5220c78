/* WaddlePerf UDP echo client: count requests of 64 bytes, interval_ms apart; prints each RTT in ms. */
#include <arpa/inet.h>
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static int64_t now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }
int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s ip port count interval_ms\n", argv[0]); return 2; }
  int count = atoi(argv[3]), interval_ms = atoi(argv[4]);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[2])); inet_pton(AF_INET, argv[1], &a.sin_addr);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct timeval tv = {1, 0}; setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
  unsigned char req[64], rep[2048];
  for (int i = 0; i < count; i++) {
    memset(req, 0, sizeof req);
    uint32_t magic = htobe32(0x57504543); memcpy(req, &magic, 4); req[4] = 1;  /* magic, version 1, flags 0 */
    uint64_t seq = htobe64(i); memcpy(req + 8, &seq, 8);
    int64_t t0 = now_ns(); uint64_t ts = htobe64(t0); memcpy(req + 16, &ts, 8);
    if (send(s, req, sizeof req, 0) < 0) { perror("send"); return 1; }
    ssize_t n = recv(s, rep, sizeof rep, 0);
    int64_t t1 = now_ns();
    if (n < 0) { printf("lost\n"); } else { printf("%.4f\n", (t1 - t0) / 1e6); }
    fflush(stdout);
    usleep(interval_ms * 1000);
  }
  return 0;
}
