package io.waddleperf.net;

/**
 * This OS or CPU architecture is not one whose constants and struct layouts this module was checked against, so no
 * native call is made. Unchecked: it is not a condition a caller can retry, only report.
 */
public final class UnsupportedPlatformException extends UnsupportedOperationException {

    public UnsupportedPlatformException(String message) {
        super(message);
    }
}
