package io.waddleperf.notify;

import io.waddleperf.core.config.Secret;
import java.net.URI;
import java.util.Objects;

/**
 * One webhook receiver.
 *
 * @param url    where to POST (http or https)
 * @param format how the body is laid out
 * @param secret key of the HMAC-SHA256 signature header (generic format only), or null for none
 */
public record Webhook(URI url, WebhookFormat format, Secret secret) {

    public Webhook {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(format, "format");
        String scheme = url.getScheme() == null ? "" : url.getScheme();
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("a webhook URL must be http:// or https:// with a host, got '"
                    + redacted(url) + "'");
        }
        if (secret != null && format != WebhookFormat.GENERIC) {
            throw new IllegalArgumentException("a signing secret applies to the generic format only, not "
                    + format.externalName());
        }
    }

    /**
     * The URL without its path and query, {@code https://hooks.slack.com/…}: chat webhook URLs carry their token in the
     * path, so only this form is ever logged or shown.
     */
    public static String redacted(URI url) {
        if (url.getScheme() == null || url.getHost() == null) {
            return "(not a URL)";
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/") ? "" : "/…");
    }

    @Override
    public String toString() {
        return format.externalName() + " webhook " + redacted(url);
    }
}
