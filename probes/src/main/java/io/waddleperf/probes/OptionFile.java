package io.waddleperf.probes;

import io.waddleperf.core.result.ErrorKind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file named by a probe option ({@code ca_file}, {@code key_file}). It is checked before use, so that a wrong path
 * fails as {@code invalid_target: <option> '<path>' cannot be read: <why>} in plain words (no such file, a
 * directory, permission denied) rather than with the JDK's exception class names, which mean nothing to the person
 * who typed the path.
 */
public final class OptionFile {

    private OptionFile() {
    }

    /** The path of {@code value} when it names a regular file this process can read. */
    public static Path readable(String option, String value) throws ProbeException {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw unusable(option, value, "not a valid path");
        }
        if (!Files.exists(path)) {
            throw unusable(option, value, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw unusable(option, value, "it is a directory, not a file");
        }
        if (!Files.isRegularFile(path)) {
            throw unusable(option, value, "not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw unusable(option, value, "permission denied");
        }
        return path;
    }

    /** A read of the file that failed after {@link #readable} passed (removed or changed in between). */
    public static ProbeException unreadable(String option, String value, IOException e) {
        String why = switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied";
            default -> e.getMessage() == null ? "read error" : e.getMessage();
        };
        return unusable(option, value, why, e);
    }

    private static ProbeException unusable(String option, String value, String why) {
        return unusable(option, value, why, null);
    }

    private static ProbeException unusable(String option, String value, String why, Throwable cause) {
        return new ProbeException(ErrorKind.INVALID_TARGET, option + " '" + value + "' cannot be read: " + why, cause);
    }
}
