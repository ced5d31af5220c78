package io.waddleperf.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.probes.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void prints_one_aligned_line_per_step_as_iperf3_does() {
        StringWriter sink = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(sink), Style.PLAIN);
        assertThat(printer.printedAny()).isFalse();

        printer.progress(Progress.of("download", 0, 1.0, 117_440_512, "warm-up, not counted"));
        printer.progress(Progress.of("download", 1.0, 2.004, 123_731_968, null));
        printer.progress(new Progress("load", 3.0, 4.0, 1 << 30, 8589.9, "8 connections, 1234 RPM"));

        assertThat(sink.toString().lines()).containsExactly(
                "download   0.00-1.00   sec    112 MiB    940 Mbit/s  warm-up, not counted",
                "download   1.00-2.00   sec    118 MiB    986 Mbit/s",
                "load       3.00-4.00   sec   1.00 GiB   8.59 Gbit/s  8 connections, 1234 RPM");
        assertThat(printer.printedAny()).isTrue();
    }

    @Test
    void colour_dims_only_the_labels() {
        String line = ProgressPrinter.line(Progress.of("upload", 0, 1, 1000, "x"), Style.COLOUR);
        assertThat(line.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(ProgressPrinter.line(Progress.of("upload", 0, 1, 1000, "x"), Style.PLAIN));
        assertThat(line).startsWith("\u001b[2mupload");
    }
}
