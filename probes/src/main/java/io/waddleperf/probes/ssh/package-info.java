/** The {@code ssh} probe: connect, banner, key exchange and host key, and with credentials echo round trips and upload rate over one session (Apache MINA SSHD client). */
package io.waddleperf.probes.ssh;
