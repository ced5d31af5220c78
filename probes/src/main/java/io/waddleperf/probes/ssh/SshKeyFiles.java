package io.waddleperf.probes.ssh;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.OptionFile;
import io.waddleperf.probes.ProbeException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Collection;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/** Reads the probe's private key file (OpenSSH or PEM format, unencrypted) before any connection is made. */
final class SshKeyFiles {

    private SshKeyFiles() {
    }

    /** The first key pair in {@code keyFile}; a missing, unreadable or passphrase-protected file is bad input naming the option. */
    static KeyPair load(String keyFile) throws ProbeException {
        Path path = OptionFile.readable("key_file", keyFile);
        Collection<KeyPair> keys;
        try {
            keys = SecurityUtils.getKeyPairResourceParser().loadKeyPairs(null, path, FilePasswordProvider.EMPTY);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "key_file '" + keyFile + "' cannot be used ("
                    + e.getMessage() + "); it must be an unencrypted OpenSSH or PEM private key", e);
        }
        if (keys == null || keys.isEmpty()) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "key_file '" + keyFile + "' holds no private key");
        }
        return keys.iterator().next();
    }
}
