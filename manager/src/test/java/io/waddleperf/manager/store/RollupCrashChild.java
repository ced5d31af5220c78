package io.waddleperf.manager.store;

import io.waddleperf.manager.store.ResultRepository.Incoming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The writers of {@link RollupCrashIT} in a JVM of their own, on the H2 file named by {@code args[0]}: four threads
 * store batches of 50 results as ingestion does, one folds deltas as the manager's folder does, all through
 * {@link Database} as the manager uses it. Prints {@code READY} after the first batch is stored and runs until killed.
 */
public final class RollupCrashChild {

    private RollupCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Database db = Database.open(args[0], null, null, 8, Duration.ofSeconds(10), Duration.ofSeconds(30), 8);
        ResultRepository results = new ResultRepository(db);
        RollupRepository rollups = new RollupRepository(db);
        results.store(batch(new Random()), null, null, Instant.now());
        System.out.println("READY");
        System.out.flush();
        for (int w = 0; w < 4; w++) {
            Thread.ofPlatform().start(() -> {
                Random rnd = new Random();
                while (true) {
                    results.store(batch(rnd), null, null, Instant.now());
                }
            });
        }
        while (true) {
            rollups.fold(RollupRepository.FOLD_BATCH);
            Thread.sleep(5);
        }
    }

    private static List<Incoming> batch(Random rnd) {
        // several minutes, targets and devices per batch: a fold touches many rows of every tier
        Instant now = Instant.now();
        List<Incoming> batch = new ArrayList<>(50);
        for (int i = 0; i < 50; i++) {
            batch.add(RollupStoreIT.incoming(RollupFoldIT.result(rnd, "tcp://10.0.0." + rnd.nextInt(8) + ":80",
                    "d" + rnd.nextInt(4), now.minus(Duration.ofMinutes(rnd.nextInt(90))))));
        }
        return batch;
    }
}
