/**
 * Outbound notifications the agent and the manager both send: webhook posts in Slack, Microsoft Teams, Discord and
 * generic JSON formats ({@link io.waddleperf.notify.WebhookSender}) and e-mail over SMTP
 * ({@link io.waddleperf.notify.Mailer}), with text from remote peers made safe for each channel
 * ({@link io.waddleperf.notify.SafeText}).
 */
package io.waddleperf.notify;
