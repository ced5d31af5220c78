package io.waddleperf.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.testkit.RequiresCommand;
import io.waddleperf.testkit.RequiresRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container images of packaging/container/Dockerfile, built and started for real by scripts/images.sh: stand-in
 * base images (Debian's archive through debootstrap, this machine's JDK) since CI can neither pull images nor run a
 * container engine daemon; podman build of the three targets from the unmodified Dockerfile; then each image's
 * entrypoint run from its mounted root under chroot as the image's user, answering /health over loopback, not as
 * root, with its own HEALTHCHECK passing, and stopping on SIGTERM (the script's header says what it checks). Needs
 * the runnable jar, so it runs after package with the other packaging tests.
 */
@RequiresRoot("podman build and mounting the image roots")
@RequiresCommand("podman")
@RequiresCommand("debootstrap")
@RequiresCommand("unshare")
@RequiresCommand("curl")
@RequiresCommand(value = "ss", apt = "iproute2")
class ContainerImagesIT {

    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();
    /** debootstrap on a cold cache, three image builds, three JVM starts on a loaded machine. */
    private static final long MINUTES = 20;

    @TempDir
    Path work;

    @Test
    void the_three_images_build_from_the_dockerfile_and_each_starts_healthy_as_an_unprivileged_user() throws Exception {
        assertThat(ROOT.resolve("app/target/waddleperf.jar")).as("the runnable jar: run ./mvnw -pl app -am package first")
                .isRegularFile();
        Path log = work.resolve("images.log");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("scripts/images.sh").toString(), "all")
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        boolean done = p.waitFor(MINUTES, TimeUnit.MINUTES);
        if (!done) {
            p.destroy(); // SIGTERM: the script's exit trap stops the program it started and unmounts the image
            p.waitFor(60, TimeUnit.SECONDS);
        }
        String out = read(log);
        // What it did and how long each step took, for the CI log.
        out.lines().filter(l -> l.startsWith("images.sh:")).forEach(System.out::println);
        assertThat(done).as("scripts/images.sh all within " + MINUTES + " min\n" + out).isTrue();
        assertThat(p.exitValue()).as("scripts/images.sh all\n" + out).isZero();
        for (String program : List.of("testserver", "manager", "agent")) {
            assertThat(out).containsPattern("images.sh: " + program
                    + ": /health 200 \\(\\{.*\"status\":\"healthy\".*\\), java pid \\d+ runs as uid 10001 with no "
                    + "capabilities, HEALTHCHECK passes, stops on SIGTERM");
        }
        assertThat(out).contains("images.sh: the image's Java runtime holds all");
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
