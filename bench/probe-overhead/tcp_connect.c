/* TCP connect loop: count connects to ip:port, interval_ms apart; prints each connect(2) time in ms. The socket is
   made just before and closed just after each connect, outside the timed call. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s ip port count interval_ms\n", argv[0]); return 2; }
  int count = atoi(argv[3]), interval_ms = atoi(argv[4]);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[2])); inet_pton(AF_INET, argv[1], &a.sin_addr);
  for (int i = 0; i < count; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    double t0 = now_ms();
    int rc = connect(s, (struct sockaddr *)&a, sizeof a);
    double t1 = now_ms();
    close(s);
    if (rc) printf("lost\n"); else printf("%.4f\n", t1 - t0);
    fflush(stdout);
    usleep(interval_ms * 1000);
  }
  return 0;
}
