package io.waddleperf.probes.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The {@link java.net.Socket} half of an {@link SSLSocket} layered over a socket that is already connected, as the
 * JDK's own layered TLS socket does it: addresses, options, timeouts and shutdowns are the underlying socket's;
 * connecting or binding again is refused, and urgent data (which TLS cannot carry) too. Subclasses add the TLS.
 */
abstract class LayeredSslSocket extends SSLSocket {

    /** The connected socket the TLS records travel over. */
    protected final Socket raw;

    protected LayeredSslSocket(Socket raw) {
        this.raw = raw;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        throw new SocketException("already connected: TLS is layered over a connected socket");
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        connect(endpoint);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        throw new SocketException("already bound: TLS is layered over a connected socket");
    }

    @Override
    public InetAddress getInetAddress() {
        return raw.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return raw.getLocalAddress();
    }

    @Override
    public int getPort() {
        return raw.getPort();
    }

    @Override
    public int getLocalPort() {
        return raw.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return raw.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return raw.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        raw.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return raw.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        raw.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return raw.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data cannot be sent over TLS");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        throw new SocketException("urgent data cannot be received over TLS");
    }

    @Override
    public boolean getOOBInline() {
        return false;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        raw.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return raw.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        raw.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return raw.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        raw.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return raw.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        raw.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return raw.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        raw.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return raw.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        raw.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return raw.getReuseAddress();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        raw.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return raw.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return raw.supportedOptions();
    }

    /** TLS has no half-close of the input: the underlying socket's input is shut. */
    @Override
    public void shutdownInput() throws IOException {
        raw.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        raw.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return raw.isConnected();
    }

    @Override
    public boolean isBound() {
        return raw.isBound();
    }

    @Override
    public boolean isInputShutdown() {
        return raw.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return raw.isOutputShutdown();
    }
}
