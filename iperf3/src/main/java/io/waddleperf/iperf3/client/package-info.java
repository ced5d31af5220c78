/**
 * An iperf3 client that tests against stock iperf3 ≥ 3.12 servers and ours: the client side of the control state
 * machine, stream creation (TCP with cookie, UDP with the connect datagram), end conditions, results exchange, and
 * reports in stock iperf3's JSON layout and text form.
 */
package io.waddleperf.iperf3.client;
