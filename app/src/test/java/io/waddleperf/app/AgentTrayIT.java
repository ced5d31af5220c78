package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.testkit.RequiresCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code waddleperf agent --tray} for real: Xvfb as the display, Debian's trayer as the tray host, the agent in a
 * child JVM (not headless) on that display. The menu's actions are fired through the items' own listeners
 * ({@link TrayAgentChild}); the icon is checked in the JVM (one tray icon, its colour and tooltip), in trayer's window
 * tree (the icon's window embedded in trayer's panel) and on the screen (the pixel at the icon's centre). Screenshots
 * are kept in {@code target/tray/}. Without a tray host and without a display the agent says why and goes on.
 */
class AgentTrayIT {

    private static final Path SHOTS = Path.of("target", "tray");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private ServerSocket peer;
    private Process xvfb;
    private Process trayer;
    private Process agent;

    @BeforeEach
    void peer() throws IOException {
        // the agent's one probe connects here
        peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!peer.isClosed()) {
                try {
                    peer.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : new Process[] {agent, trayer, xvfb}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        peer.close();
    }

    @Test
    @RequiresCommand(value = "Xvfb", apt = "xvfb")
    @RequiresCommand(value = "trayer", apt = "trayer")
    @RequiresCommand(value = "xwininfo", apt = "x11-utils")
    void the_tray_icon_follows_the_agent_and_its_menu_runs_pauses_opens_and_quits() throws Exception {
        Files.createDirectories(SHOTS);
        String display = startXvfb();

        // first without a tray host on the display: the agent says so and goes on measuring
        Child lonely = startAgent(display, true, "lonely");
        awaitStatus(lonely, s -> s.get("test_count").asLong() >= 1);
        await().atMost(WAIT).until(() -> Files.readString(lonely.log).contains("--tray: no tray icon"));
        assertThat(Files.readString(lonely.log)).contains("waddleperf agent: --tray: no tray icon: no system tray on display "
                + display + " (no tray host such as a desktop panel's notification area is running). The agent goes on "
                + "measuring without it; its status page is at http://127.0.0.1:" + lonely.port + "/.");
        lonely.process.destroy();
        assertThat(lonely.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(lonely.process.exitValue()).isIn(0, 143);
        agent = null;

        ProcessBuilder tb = new ProcessBuilder("trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
                "--width", "200", "--height", "24", "--transparent", "false").redirectErrorStream(true)
                .redirectOutput(dir.resolve("trayer.log").toFile());
        tb.environment().put("DISPLAY", display);
        trayer = tb.start();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> xwininfoTree(display).contains("\"panel\": (\"panel\" \"trayer\")"));

        Child c = startAgent(display, true, "tray");
        JsonNode first = awaitStatus(c, s -> s.get("test_count").asLong() >= 1 && !s.get("last_run").isNull());
        assertThat(first.get("paused").asBoolean()).isFalse();

        // the icon: one, green, its tooltip the last result; embedded in trayer's panel, green on the screen too
        String[] icon = awaitIcon(c, "tier 1, healthy");
        assertThat(icon[1]).isEqualTo("1");
        assertThat(icon[2]).isEqualTo("2ea043");
        assertThat(icon[3]).contains("Last result: port (tier 1) ok, ");
        int[] at = embeddedIcon(display);
        // the screen follows the icon's image when X has repainted it
        await().atMost(WAIT).until(() -> near(c.ask("pixel " + at[0] + " " + at[1]).split(" ")[1], 0x2ea043));
        assertThat(c.ask("shot " + SHOTS.toAbsolutePath().resolve("tray-healthy.png"))).startsWith("SHOT ");

        // a real right click on the icon opens its menu (a popup window of the child's on the screen)
        assertThat(c.ask("rightclick " + at[0] + " " + at[1])).isEqualTo("RIGHTCLICKED");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> xwininfoTree(display)
                .contains("\"sun-awt-X11-XPopupMenuPeer\": (\"io-waddleperf-app-TrayAgentChild\""));
        assertThat(c.ask("shot " + SHOTS.toAbsolutePath().resolve("tray-menu.png"))).startsWith("SHOT ");
        assertThat(c.ask("escape")).isEqualTo("ESCAPED");

        // Pause: the status says paused, the icon turns grey, its item reads Resume
        assertThat(c.ask("click Pause")).isEqualTo("CLICKED Pause");
        JsonNode paused = awaitStatus(c, s -> s.get("paused").asBoolean());
        assertThat(paused.get("next_run").isNull()).isTrue();
        icon = awaitIcon(c, "paused");
        assertThat(icon[2]).isEqualTo("909090");
        await().atMost(WAIT).until(() -> near(c.ask("pixel " + at[0] + " " + at[1]).split(" ")[1], 0x909090));
        assertThat(c.ask("shot " + SHOTS.toAbsolutePath().resolve("tray-paused.png"))).startsWith("SHOT ");

        // Run now, while paused: one more run, and it stays paused
        long before = paused.get("test_count").asLong();
        assertThat(c.ask("click Run now")).isEqualTo("CLICKED Run now");
        JsonNode ran = awaitStatus(c, s -> s.get("test_count").asLong() > before);
        assertThat(ran.get("paused").asBoolean()).isTrue();

        // Resume
        assertThat(c.ask("click Resume")).isEqualTo("CLICKED Resume");
        awaitStatus(c, s -> !s.get("paused").asBoolean() && !s.get("next_run").isNull());
        awaitIcon(c, "tier 1, healthy");

        // Open status page: Xvfb has no desktop to open a browser with, which the agent says, naming the page
        assertThat(c.ask("click Open status page")).isEqualTo("CLICKED Open status page");
        String page = "http://127.0.0.1:" + c.port + "/";
        await().atMost(WAIT).until(() -> Files.readString(c.log).contains("The status page is at " + page)
                || Files.readString(c.log).contains("opened the status page " + page));
        // and shows it as the icon's balloon: a window of the child's with a close button
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> xwininfoTree(display)
                .contains("\"sun-awt-X11-XButtonPeer\": (\"io-waddleperf-app-TrayAgentChild\""));
        assertThat(c.ask("shot " + SHOTS.toAbsolutePath().resolve("tray-notice.png"))).startsWith("SHOT ");

        // Quit: every result delivered to the file, then the process ends with 0
        JsonNode settled = awaitStatus(c, s -> fileSink(s).get("pending").asLong() == 0
                && fileSink(s).get("delivered").asLong() == s.get("test_count").asLong());
        long results = settled.get("test_count").asLong();
        c.tell("click Quit");
        assertThat(c.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as(Files.readString(c.log)).isTrue();
        assertThat(c.process.exitValue()).as(Files.readString(c.log)).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("tray/results.jsonl"));
        assertThat(lines).hasSize((int) results);
        assertThat(new HashSet<>(lines.stream().map(l -> Json.readResult(l).id()).toList())).hasSize((int) results);
        assertThat(Files.readString(c.log)).contains("tray: quit");
    }

    @Test
    void without_a_display_the_agent_says_why_and_goes_on_and_without_tray_it_loads_no_awt() throws Exception {
        Child c = startAgent(null, true, "nodisplay", WaddlePerf.class);
        awaitStatus(c, s -> s.get("test_count").asLong() >= 1);
        await().atMost(WAIT).until(() -> Files.readString(c.log).contains("--tray: no tray icon"));
        assertThat(Files.readString(c.log)).contains("waddleperf agent: --tray: no tray icon: no display (DISPLAY is not "
                + "set: started outside a desktop session, e.g. over ssh or as a service). The agent goes on measuring "
                + "without it; its status page is at http://127.0.0.1:" + c.port + "/.");
        c.process.destroy();
        assertThat(c.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process.exitValue()).isIn(0, 143);
        assertThat(awtClasses(c)).as("AWT classes loaded without a display").isEmpty();

        // and an agent without --tray loads none of AWT nor the tray's classes, display or not
        Child plain = startAgent(null, false, "plain", WaddlePerf.class);
        awaitStatus(plain, s -> s.get("test_count").asLong() >= 1);
        plain.process.destroy();
        assertThat(plain.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(awtClasses(plain)).isEmpty();
        assertThat(Files.readAllLines(plain.classes).stream().filter(l -> l.contains("io.waddleperf.agent.tray.")
                || l.contains("io.waddleperf.app.AgentTray")).toList()).isEmpty();
    }

    private static List<String> awtClasses(Child c) throws IOException {
        return Files.readAllLines(c.classes).stream().filter(l -> l.contains(" java.awt.") || l.contains(" sun.awt.")
                || l.contains(" javax.swing.")).toList();
    }

    private static JsonNode fileSink(JsonNode status) {
        for (JsonNode s : status.get("outbox").get("sinks")) {
            if (s.get("name").asText().equals("file")) {
                return s;
            }
        }
        throw new AssertionError("no file sink in " + status);
    }

    /** Xvfb on a display it picks itself ({@code -displayfd}); its name, {@code :N}. */
    private String startXvfb() throws IOException {
        xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp")
                .redirectError(dir.resolve("xvfb.log").toFile()).start();
        String n = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(n).as("display number from Xvfb; log %s", dir.resolve("xvfb.log")).matches("\\d+");
        return ":" + n;
    }

    private String xwininfoTree(String display) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("xwininfo", "-root", "-tree").redirectErrorStream(true);
        pb.environment().put("DISPLAY", display);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /**
     * The centre, on the screen, of the agent's icon window inside trayer's panel: the JavaEmbeddedFrame of the
     * child's main class, found below the panel in the window tree.
     */
    private int[] embeddedIcon(String display) {
        Pattern frame = Pattern.compile("\"JavaEmbeddedFrame\": \\(\"io-waddleperf-app-TrayAgentChild\"[^)]*\\)\\s+"
                + "(\\d+)x(\\d+)[+-]\\d+[+-]\\d+\\s+\\+(-?\\d+)\\+(-?\\d+)");
        int[][] found = new int[1][];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<String> tree = xwininfoTree(display).lines().toList();
            int panel = -1;
            int depth = 0;
            for (int i = 0; i < tree.size(); i++) {
                String l = tree.get(i);
                int indent = l.length() - l.stripLeading().length();
                if (l.contains("\"panel\": (\"panel\" \"trayer\")")) {
                    panel = i;
                    depth = indent;
                } else if (panel >= 0 && !l.isBlank() && indent <= depth && !l.stripLeading().matches("\\d+ child.*")) {
                    panel = -1; // left the panel's subtree
                } else if (panel >= 0) {
                    Matcher m = frame.matcher(l);
                    if (m.find()) {
                        int w = Integer.parseInt(m.group(1));
                        int h = Integer.parseInt(m.group(2));
                        found[0] = new int[] {Integer.parseInt(m.group(3)) + w / 2, Integer.parseInt(m.group(4)) + h / 2};
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    private static boolean near(String hex, int rgb) {
        int v = Integer.parseInt(hex, 16);
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs((v >> shift & 0xff) - (rgb >> shift & 0xff)) > 12) {
                return false;
            }
        }
        return true;
    }

    private String[] awaitIcon(Child c, String state) {
        String[][] icon = new String[1][];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            String a = c.ask("icons");
            icon[0] = a.split(" ", 4);
            return icon[0].length == 4 && icon[0][3].startsWith("WaddlePerf agent: " + state);
        });
        return icon[0];
    }

    private JsonNode awaitStatus(Child c, java.util.function.Predicate<JsonNode> until) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port
                    + "/api/autoperf/status")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            last[0] = Json.mapper().readTree(r.body());
            return until.test(last[0]);
        });
        return last[0];
    }

    /** The agent in a child JVM; {@code display} null: without DISPLAY. */
    private Child startAgent(String display, boolean tray, String name) throws IOException {
        return startAgent(display, tray, name, TrayAgentChild.class);
    }

    /** {@code main}: {@link TrayAgentChild} to drive the tray, or {@link WaddlePerf} itself, which names no AWT class. */
    private Child startAgent(String display, boolean tray, String name, Class<?> main) throws IOException {
        Path data = dir.resolve(name);
        Files.createDirectories(data);
        Path config = data.resolve("autoperf.yml");
        Files.writeString(config, """
                target_server: 127.0.0.1
                autoperf:
                  interval: 1h
                  tier1:
                    probes: [{name: port, target: "tcp://{target_server}:%d"}]
                sinks:
                  file: {enabled: true}
                status: {bind: 0.0.0.0, port: 0}
                """.formatted(peer.getLocalPort()));
        Path log = data.resolve("agent.log");
        Path classes = data.resolve("classes.log");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                main.getName(), "agent", "--config", config.toString(), "--set", "data_dir=" + data));
        if (tray) {
            cmd.add("--tray");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("JAVA_TOOL_OPTIONS");
        if (display != null) {
            env.put("DISPLAY", display);
        }
        agent = pb.start();
        return new Child(agent, log, classes);
    }

    /** A running child: its answers come in on a reader thread, in order. */
    private static final class Child {
        final Process process;
        final Path log;
        final Path classes;
        final int port;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final Writer in;

        Child(Process process, Path log, Path classes) throws IOException {
            this.process = process;
            this.log = log;
            this.classes = classes;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("first line; log %s", log).isNotNull().startsWith("waddleperf agent ");
            Matcher m = Pattern.compile("status http://0\\.0\\.0\\.0:(\\d+)/").matcher(first);
            assertThat(m.find()).as(first).isTrue();
            port = Integer.parseInt(m.group(1));
            Thread.ofVirtual().start(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("CHILD ")) {
                            answers.add(line.substring(6));
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            });
        }

        void tell(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }

        String ask(String command) {
            try {
                tell(command);
                String a = answers.poll(60, TimeUnit.SECONDS);
                assertThat(a).as("answer to '%s'", command).isNotNull();
                return a;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
