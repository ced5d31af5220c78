/** The {@code rpm} probe: responsiveness under working conditions (draft-ietf-ippm-responsiveness) over HTTP/1.1. */
package io.waddleperf.probes.rpm;
