package io.waddleperf.net;

import java.io.IOException;

/** A failed libc call: the call's name and the {@code errno} it left, captured right after the call. */
public final class NativeException extends IOException {

    private final String call;
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** True for EPERM and EACCES: the process may not do this, and a caller may fall back to another method. */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
