package io.waddleperf.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.waddleperf.core.text.SafeText;

/**
 * Logback converters that pass every log line's message and exception texts through {@link SafeText}: a message may
 * carry what a peer sent (a library's warning quoting an SSH banner, a peer's error text, a request's target), and a
 * terminal would obey its control characters or a log reader take its line breaks for lines of their own. Registered
 * by {@link LogConfigurator} as the pattern words {@code safeMsg} and {@code safeEx}; a {@code logback.xml} of one's
 * own declares them with {@code <conversionRule conversionWord="safeMsg" class="io.waddleperf.app.SafeLogText$Message"/>}
 * and {@code …$Throwable}.
 */
public final class SafeLogText {

    private SafeLogText() {
    }

    /** {@code %msg} with the formatted message made one safe line. */
    public static final class Message extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return SafeText.line(event.getFormattedMessage());
        }
    }

    /** {@code %ex} with every exception message in the chain made one safe line; the trace's own layout stays. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy proxy) {
            return super.throwableProxyToString(new SafeProxy(proxy));
        }
    }

    /** A throwable proxy whose messages (and those of its causes and suppressed ones) are safe lines. */
    private record SafeProxy(IThrowableProxy proxy) implements IThrowableProxy {
        @Override
        public String getOverridingMessage() {
            return SafeText.line(proxy.getOverridingMessage());
        }

        @Override
        public String getMessage() {
            return SafeText.line(proxy.getMessage());
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return proxy.getCause() == null ? null : new SafeProxy(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            if (suppressed == null) {
                return null;
            }
            IThrowableProxy[] safe = new IThrowableProxy[suppressed.length];
            for (int i = 0; i < suppressed.length; i++) {
                safe[i] = new SafeProxy(suppressed[i]);
            }
            return safe;
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
