package io.waddleperf.agent;

import io.waddleperf.agent.sink.S3Sink;
import java.util.Map;

/** Lets the sink tests build sinks as the agent does, with the environment they give. */
public final class LocalSinksAccess {

    private LocalSinksAccess() {
    }

    public static S3Sink s3(AgentConfig.S3 config, Map<String, String> env) {
        return LocalSinks.s3(config, env);
    }
}
