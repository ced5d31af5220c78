package io.waddleperf.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * An agent in a child JVM for the crash tests: loads {@code args[0]} with the environment as the agent does, prints
 * {@code READY <status port>}, then obeys its standard input: {@code pause} stops probing (delivery goes on), end of
 * input closes the agent. {@code kill -9} needs no cooperation.
 */
public final class AgentChild {

    private AgentChild() {
    }

    public static void main(String[] args) throws Exception {
        AgentConfig config = AgentConfig.loader().load(Path.of(args[0]), System.getenv(), Map.of());
        try (Agent agent = Agent.start(config)) {
            System.out.println("READY " + agent.statusPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.strip().equals("pause")) {
                    agent.pause();
                    System.out.println("PAUSED");
                    System.out.flush();
                }
            }
        }
    }
}
