/** Text from the network made safe to show: one sanitiser for terminals and log lines ({@link io.waddleperf.core.text.SafeText}). */
package io.waddleperf.core.text;
