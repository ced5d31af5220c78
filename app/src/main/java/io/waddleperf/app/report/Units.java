package io.waddleperf.app.report;

import java.util.Locale;

/**
 * Numbers for people: rounded to what they can mean (three significant digits; latency to the microsecond it was
 * measured at), rates in decimal bit/s as network gear counts them (kbit/s, Mbit/s, Gbit/s), amounts of data in
 * binary units (KiB, MiB, GiB) as memory and files are counted.
 */
public final class Units {

    private Units() {
    }

    /** Milliseconds, three significant digits but never finer than a microsecond: 0.019, 1.00, 38.6, 214, 2005. */
    public static String ms(double v) {
        return sig3(v) + " ms";
    }

    /** The number part of {@link #ms}. */
    public static String sig3(double v) {
        if (v == 0) {
            return "0";
        }
        // decimals by magnitude; a value that rounds up into the next decade (0.9997 -> 1.000) takes that decade's
        int decimals = Math.abs(v) < 1 ? 3 : Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0;
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        double rounded = Math.abs(Double.parseDouble(s));
        if (decimals > 0 && rounded >= Math.pow(10, 3 - decimals)) {
            s = String.format(Locale.ROOT, "%." + (decimals - 1) + "f", v);
        }
        return s;
    }

    /** Milliseconds with three decimals, as ping and iputils print round-trip times. */
    public static String ms3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A rate given in 10^6 bit/s: 812 kbit/s, 1.02 Mbit/s, 2.91 Gbit/s. */
    public static String rate(double mbps) {
        double bits = mbps * 1e6;
        String[] units = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"};
        int u = 0;
        while (Math.abs(bits) >= 999.5 && u < units.length - 1) {
            bits /= 1000;
            u++;
        }
        return sig3(bits) + " " + units[u];
    }

    /** An amount of data: 47 B, 1.25 KiB, 396 MiB, 1.05 GiB. */
    public static String bytes(long n) {
        if (Math.abs(n) < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n / 1024.0;
        int u = 0;
        while (Math.abs(v) >= 1023.5 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return sig3(v) + " " + units[u];
    }

    /** A share: 0%, 5%, 33.3%, 0.05%. */
    public static String percent(double p) {
        if (p == Math.rint(p)) {
            return String.format(Locale.ROOT, "%.0f%%", p);
        }
        return String.format(Locale.ROOT, Math.abs(p) < 0.1 ? "%.2f%%" : "%.1f%%", p);
    }

    /** Seconds from milliseconds: 0.54 s, 10.1 s, 125 s. */
    public static String seconds(double ms) {
        return sig3(ms / 1000) + " s";
    }

    /** A duration from milliseconds: milliseconds below a second ({@link #ms}), else {@link #seconds}. */
    public static String duration(double ms) {
        return Math.abs(ms) < 1000 ? ms(ms) : seconds(ms);
    }

    /** A count with its noun, singular or plural: 1 hop, 3 hops. */
    public static String count(long n, String noun) {
        if (n == 1) {
            return n + " " + noun;
        }
        boolean consonantY = noun.length() > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0;
        return n + " " + (consonantY ? noun.substring(0, noun.length() - 1) + "ies"
                : noun.endsWith("s") || noun.endsWith("x") ? noun + "es" : noun + "s");
    }
}
