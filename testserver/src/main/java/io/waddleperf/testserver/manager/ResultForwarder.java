package io.waddleperf.testserver.manager;

import io.waddleperf.device.ManagerClient;
import io.waddleperf.device.ManagerLink;
import io.waddleperf.device.Worker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.testserver.speed.BrowserResultSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the browser results this server receives to the manager, durably: {@link #accept} writes the result to the
 * {@link ResultSpool} before the browser gets its answer, and a virtual thread sends the spooled results in batches
 * to {@code POST /api/v1/results} with the server's device credential, deleting each only when the manager
 * acknowledged it (stored, or stored before: the upload is idempotent by result id). While the manager is
 * unreachable, busy or refuses the credential the results wait, and delivery is retried with exponential backoff up
 * to {@code retry_max}; a result the manager refuses as invalid moves to the spool's {@code rejected/} folder. The
 * browser's address goes along as {@code raw_results.client_ip}.
 */
public final class ResultForwarder implements BrowserResultSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultForwarder.class);
    /** Results per upload: well under the manager's batch limit, and a short transaction there. */
    public static final int BATCH = 100;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** How often an idle forwarder looks at the spool anyway (results left by an earlier run). */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(30);
    private static final Duration FULL_WARNING_EVERY = Duration.ofMinutes(1);
    private static final Pattern BATCH_INDEX = Pattern.compile("^\\[(\\d+)]");

    private final ResultSpool spool;
    private final ManagerLink link;
    private final ManagerClient client;
    private final Duration retryMax;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile long lastFullWarningNanos = System.nanoTime() - FULL_WARNING_EVERY.toNanos();
    private Worker worker;

    private ResultForwarder(ResultSpool spool, ManagerLink link, ManagerClient client, Duration retryMax) {
        this.spool = spool;
        this.link = link;
        this.client = client;
        this.retryMax = retryMax;
    }

    /** Starts delivering what the spool holds, and whatever arrives. */
    public static ResultForwarder start(ResultSpool spool, ManagerLink link, ManagerClient client, Duration retryMax) {
        ResultForwarder f = new ResultForwarder(spool, link, client, retryMax);
        f.worker = new Worker("manager-forwarder", f::run);
        return f;
    }

    @Override
    public void accept(ProbeResult result, String clientIp, Instant receivedAt) throws IOException {
        ObjectNode tree = Json.mapper().valueToTree(result);
        if (clientIp != null) {
            JsonNode raw = tree.get("raw_results");
            ObjectNode rawObject = raw instanceof ObjectNode o ? o : tree.putObject("raw_results");
            rawObject.put("client_ip", clientIp);
        }
        byte[] json = Json.mapper().writeValueAsBytes(tree);
        boolean spooled;
        try {
            spooled = spool.add(result.id().toString(), json);
        } catch (IOException e) {
            // the browser's answer stands: the result is in the local results file, which came first
            LOG.error("cannot spool result {} for the manager in {}: {}; it stays in the local results file only",
                    result.id(), spool.dir(), e.getMessage());
            return;
        }
        if (!spooled) {
            long now = System.nanoTime();
            if (now - lastFullWarningNanos > FULL_WARNING_EVERY.toNanos()) {
                lastFullWarningNanos = now;
                LOG.warn("the spool of results for the manager is full ({} results, {} bytes in {}); new browser results "
                        + "are kept in the local results file only until the manager takes the waiting ones",
                        spool.count(), spool.bytes(), spool.dir());
            }
            return;
        }
        worker.wake();
    }

    /** Results the manager acknowledged since start. */
    public long delivered() {
        return delivered.get();
    }

    /** Results moved to {@code rejected/} since start. */
    public long rejected() {
        return rejected.get();
    }

    private void run(Worker w) {
        Worker.Backoff backoff = new Worker.Backoff(FIRST_BACKOFF, retryMax);
        int batch = BATCH;
        while (w.running()) {
            Step step;
            try {
                step = deliver(batch);
            } catch (IOException e) {
                LOG.info("cannot forward results to the manager at {}: {}; retrying within {} s", client.base(),
                        e.getMessage(), backoff.peek().toSeconds());
                step = Step.RETRY;
            } catch (RuntimeException e) {
                LOG.warn("forwarding results to the manager at {} failed", client.base(), e);
                step = Step.RETRY;
            }
            switch (step) {
                case MORE -> {
                    backoff.reset();
                    batch = BATCH;
                }
                case SMALLER -> batch = Math.max(1, batch / 2);
                case ONE_BY_ONE -> batch = 1;
                case IDLE -> {
                    backoff.reset();
                    batch = BATCH;
                    w.pause(IDLE_CHECK);
                }
                // new results do not cut the wait short: a manager that is down is not asked once per result
                case RETRY -> w.sleep(backoff.next());
            }
        }
    }

    /** What the loop does next. */
    private enum Step { MORE, SMALLER, ONE_BY_ONE, IDLE, RETRY }

    private Step deliver(int batch) throws IOException {
        List<ResultSpool.Entry> entries = spool.oldest(batch);
        if (entries.isEmpty()) {
            return Step.IDLE;
        }
        Optional<String> credential = link.credential();
        if (credential.isEmpty()) {
            return Step.RETRY; // not enrolled yet
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('[');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.write(entries.get(i).json());
        }
        body.write(']');
        ManagerClient.Answer a = client.upload(credential.get(), body.toString(StandardCharsets.UTF_8));
        if (a.ok()) {
            for (ResultSpool.Entry e : entries) {
                spool.remove(e);
            }
            delivered.addAndGet(entries.size());
            return Step.MORE;
        }
        switch (a.status()) {
            case 400 -> {
                String field = a.body().path("field").asText("");
                Matcher m = BATCH_INDEX.matcher(field);
                if (m.find() && Integer.parseInt(m.group(1)) < entries.size()) {
                    refuse(entries.get(Integer.parseInt(m.group(1))), a);
                    return Step.MORE;
                }
                if (entries.size() == 1) {
                    refuse(entries.getFirst(), a);
                    return Step.MORE;
                }
                return Step.ONE_BY_ONE; // the answer names no result: find the culprit alone
            }
            case 413 -> {
                if (entries.size() == 1) {
                    refuse(entries.getFirst(), a);
                    return Step.MORE;
                }
                return Step.SMALLER;
            }
            case 401 -> link.credentialRefused(credential.get());
            default -> LOG.info("the manager at {} did not take {} result(s): {}; retrying", client.base(),
                    entries.size(), a.error());
        }
        return Step.RETRY;
    }

    private void refuse(ResultSpool.Entry e, ManagerClient.Answer a) throws IOException {
        // the field names the result's place in the batch ([3].duration_ms); of one result only the field matters
        String field = BATCH_INDEX.matcher(a.body().path("field").asText("")).replaceFirst("").replaceFirst("^\\.", "");
        spool.reject(e, "the manager refused it: " + (field.isEmpty() ? "" : field + " ") + a.error());
        rejected.incrementAndGet();
    }

    /** Stops delivering; what is still spooled goes at the next start. */
    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
    }
}
