package io.waddleperf.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/** IP addresses as text: IPv4 dotted quad, IPv6 in the canonical form of RFC 5952 ({@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1}). */
public final class AddressText {

    private AddressText() {
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        // RFC 5952 §4.2: shorten the longest run of two or more zero groups (the first on a tie) to "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i])); // §4.3: lower case, §4.1: no leading zeros
        }
        return text.toString();
    }
}
