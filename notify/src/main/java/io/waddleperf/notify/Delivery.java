package io.waddleperf.notify;

/**
 * How sending one notification ended: a failure is a result too, so a caller records it rather than catching.
 *
 * @param delivered whether the receiver took it (HTTP 2xx, or the SMTP server accepted the mail)
 * @param attempts  how many tries it took
 * @param status    the last HTTP status, or 0 when none came (connection failed, timed out, e-mail)
 * @param error     what went wrong on the last try, one line without anything the receiver sent; null when delivered
 */
public record Delivery(boolean delivered, int attempts, int status, String error) {

    /** One line for logs and alert history: {@code delivered (HTTP 200, 1 attempt)}, {@code failed after 3 attempts: …}. */
    public String summary() {
        String tries = attempts + (attempts == 1 ? " attempt" : " attempts");
        if (delivered) {
            return "delivered (" + (status > 0 ? "HTTP " + status + ", " : "") + tries + ")";
        }
        return "failed after " + tries + ": " + error;
    }
}
