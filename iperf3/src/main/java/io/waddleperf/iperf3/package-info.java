/**
 * The iperf3 wire protocol (esnet/iperf 3.x): control-channel states and their transition table, length-framed JSON
 * messages, the 37-byte cookie, test parameters, exchanged results, iperf3's numeric error codes, the UDP datagram
 * header and iperf3's UDP loss and jitter accounting. No sockets here beyond reading and writing given channels.
 */
package io.waddleperf.iperf3;
