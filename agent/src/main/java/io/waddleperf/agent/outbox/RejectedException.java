package io.waddleperf.agent.outbox;

/**
 * A destination refused results for what they are (a manager's 400), so sending them again cannot help. The outbox
 * then sends the batch's results one by one, and one refused alone is set aside in {@code outbox/rejected/} instead
 * of blocking every result after it.
 */
public final class RejectedException extends Exception {

    private final int index;

    /** @param index the refused result's index in the batch, or -1 when the destination did not say */
    public RejectedException(String message, int index) {
        super(message);
        this.index = index;
    }

    public int index() {
        return index;
    }
}
