package io.waddleperf.app;

import picocli.CommandLine;

/** Reports the version stamped into the jar manifest at build time ({@code dev} when run from classes). */
public final class VersionProvider implements CommandLine.IVersionProvider {

    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"waddleperf " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
    }
}
