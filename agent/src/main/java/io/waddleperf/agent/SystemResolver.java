package io.waddleperf.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The system's DNS resolver, for probe targets that name {@code {system_resolver}}: the first {@code nameserver} line of {@code /etc/resolv.conf}. */
final class SystemResolver {

    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    private SystemResolver() {
    }

    static Optional<String> first() {
        return first(RESOLV_CONF);
    }

    static Optional<String> first(Path resolvConf) {
        try {
            for (String line : Files.readAllLines(resolvConf)) {
                String[] words = line.strip().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver")) {
                    return Optional.of(words[1]);
                }
            }
        } catch (IOException | SecurityException e) {
            // no readable resolver configuration: the caller reports that the placeholder cannot be filled
        }
        return Optional.empty();
    }
}
