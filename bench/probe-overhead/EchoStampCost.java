import io.waddleperf.core.echo.*;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
/**
 * What the udp probe does between reading the send time and the write, in a cold JVM under the launcher's one-shot
 * flags (docs/BENCHMARKS.md §5): "old" reads the clock and then encodes the 64-byte echo request (as the probe did
 * until 2026-12-07), "new" encodes first and then only stamps the time in; both record the time as the probe does.
 * 20 rounds 10 ms apart after one untimed round; prints the first and the median in microseconds.
 *   javac -d /tmp/esc -cp app/target/waddleperf.jar bench/probe-overhead/EchoStampCost.java
 *   java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp app/target/waddleperf.jar:/tmp/esc EchoStampCost old|new [token]
 */
public class EchoStampCost {
  public static void main(String[] a) throws Exception {
    boolean stamp = a[0].equals("new"); EchoKey key = a.length > 1 ? EchoKey.of(a[1]) : null;
    int size = 64;
    ByteBuffer buf = ByteBuffer.allocateDirect(65535); AtomicLongArray sent = new AtomicLongArray(20);
    EchoCodec.encodeRequest(buf, 0, 0L, size, EchoKey.of("w")); EchoCodec.stampRequest(buf, 1L, EchoKey.of("w")); sent.set(0, 1);
    long[] d = new long[20];
    for (int i = 0; i < 20; i++) {
      Thread.sleep(10);
      long t0, t1;
      if (stamp) { EchoCodec.encodeRequest(buf, i, 0L, size, key); t0 = System.nanoTime(); EchoCodec.stampRequest(buf, t0, key); sent.set(i, t0); t1 = System.nanoTime(); }
      else { t0 = System.nanoTime(); EchoCodec.encodeRequest(buf, i, t0, size, key); sent.set(i, t0); t1 = System.nanoTime(); }
      d[i] = t1 - t0;
    }
    long[] s = d.clone(); Arrays.sort(s);
    System.out.printf("%s key=%s first %.1f us p50 %.1f us%n", a[0], key != null, d[0] / 1e3, (s[9] + s[10]) / 2e3);
  }
}
