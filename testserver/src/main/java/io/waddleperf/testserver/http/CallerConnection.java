package io.waddleperf.testserver.http;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

/**
 * The TCP connection a request came in on: its two ends as the socket has them (not as headers claim) and a way to
 * close it. Read through Jetty's own request, because the servlet API gives addresses only as text.
 */
public record CallerConnection(InetSocketAddress local, InetSocketAddress remote, Runnable closer) {

    /** The connection of {@code request}, a request Jetty serves. */
    public static CallerConnection of(HttpServletRequest request) {
        Request core = ServletContextRequest.getServletContextRequest(request);
        SocketAddress local = core.getConnectionMetaData().getLocalSocketAddress();
        SocketAddress remote = core.getConnectionMetaData().getRemoteSocketAddress();
        return new CallerConnection(local instanceof InetSocketAddress l ? l : null,
                remote instanceof InetSocketAddress r ? r : null,
                () -> core.getConnectionMetaData().getConnection().getEndPoint().close());
    }

    /** Closes the connection (the caller left; nothing is answered). */
    public void close() {
        closer.run();
    }
}
