package io.waddleperf.agent.sink;

import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.SpooledResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Writes each batch as one object of JSON lines (one result object per line) to an S3 bucket, under
 * {@code <prefix><yyyy>/<MM>/<dd>/<HH>/<id of the batch's first result>.jsonl}, the date and hour being the first
 * result's {@code started_at} in UTC.
 * <p>
 * The key is a function of the batch's first result, and a batch the outbox sends again starts at the same result:
 * so a batch sent again after a crash or a lost answer replaces its own object (with the same results, or more)
 * instead of adding a second copy. An object is there only when S3 answered the PUT; every error (unreachable,
 * refused credentials, no such bucket, a timeout) fails the batch, which the outbox sends again with backoff.
 */
public final class S3Sink implements Sink {

    private static final DateTimeFormatter PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/").withZone(ZoneOffset.UTC);

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String sse;
    private final String kmsKeyId;
    private final int batchSize;

    /**
     * @param sse the server-side encryption to ask for ({@code AES256}, {@code aws:kms}), or null for the bucket's
     * @param kmsKeyId the KMS key with {@code aws:kms}, or null for the account's default key
     */
    public S3Sink(S3Client client, String bucket, String prefix, String sse, String kmsKeyId, int batchSize) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.sse = sse;
        this.kmsKeyId = kmsKeyId;
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public int maxBatch() {
        return batchSize;
    }

    /** The object key of a batch that starts with {@code first}. */
    public String key(SpooledResult first) {
        var r = first.result();
        Instant at = r.startedAt() != null ? r.startedAt() : Instant.EPOCH;
        String id = r.id() != null ? r.id().toString() : "seq-" + first.seq();
        return prefix + PATH.format(at) + id + ".jsonl";
    }

    @Override
    public void export(List<SpooledResult> batch) throws IOException {
        StringBuilder body = new StringBuilder(batch.size() * 600);
        for (SpooledResult r : batch) {
            body.append(r.json()).append('\n');
        }
        String key = key(batch.getFirst());
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType("application/x-ndjson");
        if (sse != null) {
            put.serverSideEncryption(sse);
            if (kmsKeyId != null) {
                put.ssekmsKeyId(kmsKeyId);
            }
        }
        try {
            client.putObject(put.build(), RequestBody.fromBytes(body.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (SdkException e) {
            throw new IOException("s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
