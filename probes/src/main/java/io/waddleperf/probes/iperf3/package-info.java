/** The {@code iperf3} prober: a bandwidth test with our iperf3 client against any iperf3 ≥ 3.12 server. */
package io.waddleperf.probes.iperf3;
