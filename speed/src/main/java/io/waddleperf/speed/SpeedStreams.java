package io.waddleperf.speed;

import io.javalin.http.Context;
import io.waddleperf.core.address.ClientAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two things every speed endpoint does: send random bytes and swallow uploaded bytes, each as one admitted
 * stream (per-client stream and byte limits) under the stall guard, with CORS and no-store headers. Bodies are
 * written straight from the shared {@link RandomPayload} to the servlet output stream (Jetty writes large arrays
 * without copying them into its aggregation buffer) and never pass through Javalin's compressing result stream.
 */
public final class SpeedStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpeedStreams.class);
    /** Upload read size: big enough for few calls per second at 10 Gbit/s, small enough to stay in cache. */
    static final int READ_BUFFER_BYTES = 256 * 1024;
    /**
     * Where every upload's bytes are read to and dropped, shared by all streams at once: nothing ever reads it, so
     * concurrent writes into it do no harm. A fresh 256 KiB array per request had to be zeroed first, which was a
     * quarter of the CPU time of a bodiless {@code GET /empty} (docs/BENCHMARKS.md §8).
     */
    private static final byte[] DISCARD = new byte[READ_BUFFER_BYTES];
    /** CORS (any origin: the browser client may be served from elsewhere) and no caching of any kind. */
    public static final Map<String, String> COMMON_HEADERS = commonHeaderMap();

    private final RandomPayload payload = new RandomPayload();
    private final StreamAdmission admission;
    private final StallGuard guard;
    private final ClientAddress clientAddress;

    /** What an upload moved. */
    public record Received(long bytes, long elapsedNanos) {
    }

    public SpeedStreams(StreamAdmission admission, SpeedConfig config, ClientAddress clientAddress) {
        this.admission = admission;
        this.guard = new StallGuard(config.minBytesPerSecond(), config.stallTimeout());
        this.clientAddress = clientAddress;
    }

    /** The client's IP: the socket peer, or the right-most untrusted X-Forwarded-For hop behind a trusted proxy. */
    public String client(Context ctx) {
        return clientAddress.resolve(ctx.req().getRemoteAddr(), Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
    }

    private static Map<String, String> commonHeaderMap() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Access-Control-Allow-Origin", "*");
        h.put("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        h.put("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Content-Length");
        h.put("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0, s-maxage=0");
        h.put("Pragma", "no-cache");
        return Collections.unmodifiableMap(h);
    }

    /** Sets {@link #COMMON_HEADERS}. */
    public static void commonHeaders(Context ctx) {
        COMMON_HEADERS.forEach(ctx::header);
    }

    /**
     * Streams {@code totalBytes} of random data (octet-stream, {@code Content-Length} set). A client that goes away
     * or stalls ends the stream quietly; a client whose byte quota runs out gets a truncated body.
     */
    public void download(Context ctx, long totalBytes, String filename) throws LimitExceededException {
        // before admission: a refusal a cross-origin page cannot read is a network error to it (LibreSpeed's worker
        // re-requests at once), so the 429 carries the CORS headers too
        commonHeaders(ctx);
        try (StreamAdmission.Stream stream = admission.acquire(client(ctx));
             StallGuard.Watch watch = guard.watch(closer(ctx))) {
            ctx.status(200);
            ctx.res().setContentType("application/octet-stream");
            if (filename != null) {
                ctx.header("Content-Disposition", "attachment; filename=" + filename);
            }
            ctx.res().setContentLengthLong(totalBytes);
            byte[] bytes = payload.bytes();
            long remaining = totalBytes;
            try {
                OutputStream out = ctx.res().getOutputStream();
                while (remaining > 0) {
                    long granted = stream.take(Math.min(remaining, bytes.length));
                    if (granted == 0 && !ctx.res().isCommitted()) {
                        ctx.res().reset();
                        commonHeaders(ctx);
                        throw new LimitExceededException("byte limit per client reached",
                                StreamAdmission.retryAfterBytes());
                    }
                    if (granted == 0) {
                        LOG.info("client {} reached its byte limit; download cut short", client(ctx));
                        closer(ctx).run();
                        return;
                    }
                    out.write(bytes, 0, (int) granted);
                    watch.add(granted);
                    remaining -= granted;
                }
                out.flush();
            } catch (IOException e) {
                LOG.debug("download to {} ended early: {}", ctx.req().getRemoteAddr(), e.toString());
            }
        }
    }

    /** Reads and discards the request body, counting it; refused with 429 once the client's byte quota is spent. */
    public Received sink(Context ctx) throws LimitExceededException {
        long start = System.nanoTime();
        long total = 0;
        commonHeaders(ctx); // before admission, as in download
        try (StreamAdmission.Stream stream = admission.acquire(client(ctx));
             StallGuard.Watch watch = guard.watch(closer(ctx))) {
            try (InputStream in = ctx.req().getInputStream()) {
                int n;
                while ((n = in.read(DISCARD)) >= 0) {
                    total += n;
                    watch.add(n);
                    if (stream.take(n) < n) {
                        closer(ctx).run();
                        throw new LimitExceededException("byte limit per client reached during upload",
                                StreamAdmission.retryAfterBytes());
                    }
                }
            } catch (IOException e) {
                if (watch.cut) {
                    throw new UploadStalledException(total);
                }
                LOG.debug("upload from {} ended early: {}", ctx.req().getRemoteAddr(), e.toString());
            }
            return new Received(total, System.nanoTime() - start);
        }
    }

    /** Closes the request's connection underneath any blocked read or write. */
    private static Runnable closer(Context ctx) {
        EndPoint endPoint = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData()
                .getConnection().getEndPoint();
        return endPoint::close;
    }

    @Override
    public void close() {
        guard.close();
    }
}
