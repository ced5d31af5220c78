package io.waddleperf.probes.tls;

import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * What an {@link OpenSslSocket}'s handshake settled: version and suite (IANA names, as the JDK spells them), the
 * certificates the peer sent. Never resumable, so it has no id and no context.
 */
final class OpenSslSession implements SSLSession {

    private static final int MAX_RECORD = 16 * 1024;
    private static final int MAX_PACKET = MAX_RECORD + 5 + 256 + 64; // header, expansion by padding and MAC

    private final String protocol;
    private final String cipherSuite;
    private final X509Certificate[] peerChain;
    private final String peerHost;
    private final int peerPort;
    private final long created = System.currentTimeMillis();
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private volatile boolean valid;

    OpenSslSession(String protocol, String cipherSuite, X509Certificate[] peerChain, String peerHost, int peerPort) {
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.peerChain = peerChain;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.valid = protocol != null && cipherSuite != null;
    }

    /** The session of a socket whose handshake failed: the JDK's names for "none". */
    static OpenSslSession invalid(String peerHost, int peerPort) {
        return new OpenSslSession("NONE", "SSL_NULL_WITH_NULL_NULL", null, peerHost, peerPort);
    }

    @Override
    public byte[] getId() {
        return new byte[0];
    }

    @Override
    public SSLSessionContext getSessionContext() {
        return null;
    }

    @Override
    public long getCreationTime() {
        return created;
    }

    @Override
    public long getLastAccessedTime() {
        return created;
    }

    @Override
    public void invalidate() {
        valid = false;
    }

    @Override
    public boolean isValid() {
        return valid && !"NONE".equals(protocol);
    }

    @Override
    public void putValue(String name, Object value) {
        values.put(name, value);
    }

    @Override
    public Object getValue(String name) {
        return values.get(name);
    }

    @Override
    public void removeValue(String name) {
        values.remove(name);
    }

    @Override
    public String[] getValueNames() {
        return values.keySet().toArray(String[]::new);
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        if (peerChain == null) {
            throw new SSLPeerUnverifiedException("the peer sent no certificate");
        }
        return peerChain.clone();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return null;
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        if (peerChain == null) {
            throw new SSLPeerUnverifiedException("the peer sent no certificate");
        }
        return peerChain[0].getSubjectX500Principal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return null;
    }

    @Override
    public String getCipherSuite() {
        return cipherSuite;
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public String getPeerHost() {
        return peerHost;
    }

    @Override
    public int getPeerPort() {
        return peerPort;
    }

    @Override
    public int getPacketBufferSize() {
        return MAX_PACKET;
    }

    @Override
    public int getApplicationBufferSize() {
        return MAX_RECORD;
    }
}
