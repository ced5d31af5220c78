package io.waddleperf.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.Json;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link Notification} is laid out for a receiver: Slack's incoming webhooks ({@code text} with mrkdwn and a
 * coloured attachment of fields), Microsoft Teams (a message carrying an Adaptive Card, what Teams' workflow webhooks
 * take), Discord (an embed, with mentions switched off) or a generic JSON object for your own receiver. Each format
 * keeps to its receiver's size limits and escapes remote text for its markup.
 */
public enum WebhookFormat {
    SLACK, TEAMS, DISCORD, GENERIC;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format of this external name ({@code slack}, {@code teams}, {@code discord}, {@code generic}). */
    public static Optional<WebhookFormat> parse(String name) {
        for (WebhookFormat f : values()) {
            if (f.externalName().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The request body, UTF-8 JSON. */
    public String render(Notification n) {
        ObjectNode body = switch (this) {
            case SLACK -> slack(n);
            case TEAMS -> teams(n);
            case DISCORD -> discord(n);
            case GENERIC -> generic(n);
        };
        return Json.write(body);
    }

    private static ObjectNode slack(Notification n) {
        ObjectNode o = F.objectNode();
        // Slack's limits: text 40 000 characters, a field's value is shown short; stay well inside
        o.put("text", "*" + SafeText.slack(SafeText.line(n.title(), 300)) + "*\n"
                + SafeText.slack(SafeText.lines(n.text(), 3000)));
        ArrayNode attachments = o.putArray("attachments");
        ObjectNode a = attachments.addObject();
        a.put("color", n.severity().hex);
        a.put("fallback", SafeText.line(n.title(), 300));
        ArrayNode fields = a.putArray("fields");
        int i = 0;
        for (Map.Entry<String, String> e : n.facts().entrySet()) {
            if (i++ == 20) {
                break;
            }
            ObjectNode f = fields.addObject();
            f.put("title", SafeText.slack(SafeText.line(e.getKey(), 100)));
            f.put("value", SafeText.slack(SafeText.line(e.getValue(), 500)));
            f.put("short", true);
        }
        a.put("ts", n.at().getEpochSecond());
        return o;
    }

    private static ObjectNode teams(Notification n) {
        ObjectNode card = F.objectNode();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        ObjectNode title = body.addObject();
        title.put("type", "TextBlock");
        title.put("text", SafeText.markdown(SafeText.line(n.title(), 300)));
        title.put("weight", "Bolder");
        title.put("size", "Medium");
        title.put("wrap", true);
        title.put("color", switch (n.severity()) {
            case CRITICAL -> "Attention";
            case WARNING -> "Warning";
            case RESOLVED -> "Good";
            case INFO -> "Default";
        });
        if (!n.text().isEmpty()) {
            ObjectNode text = body.addObject();
            text.put("type", "TextBlock");
            // a blank line is a paragraph break in the card's Markdown
            text.put("text", SafeText.markdown(SafeText.lines(n.text(), 3000)).replace("\n", "\n\n"));
            text.put("wrap", true);
        }
        if (!n.facts().isEmpty()) {
            ObjectNode set = body.addObject();
            set.put("type", "FactSet");
            ArrayNode facts = set.putArray("facts");
            int i = 0;
            for (Map.Entry<String, String> e : n.facts().entrySet()) {
                if (i++ == 20) {
                    break;
                }
                ObjectNode f = facts.addObject();
                f.put("title", SafeText.markdown(SafeText.line(e.getKey(), 100)));
                f.put("value", SafeText.markdown(SafeText.line(e.getValue(), 500)));
            }
        }
        ObjectNode o = F.objectNode();
        o.put("type", "message");
        ObjectNode attachment = o.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        attachment.set("content", card);
        return o;
    }

    private static ObjectNode discord(Notification n) {
        ObjectNode o = F.objectNode();
        o.put("username", "WaddlePerf");
        // no @everyone, @here, user or role pings, whatever the text holds (Discord's allowed_mentions)
        o.putObject("allowed_mentions").putArray("parse");
        ObjectNode embed = o.putArray("embeds").addObject();
        // Discord's embed limits: title 256, description 4096, 25 fields of name 256 and value 1024
        embed.put("title", SafeText.cut(SafeText.markdown(SafeText.line(n.title(), 200)), 256));
        embed.put("description", SafeText.cut(SafeText.markdown(SafeText.lines(n.text(), 3000)), 4096));
        embed.put("color", n.severity().rgb);
        embed.put("timestamp", n.at().toString());
        ArrayNode fields = embed.putArray("fields");
        int i = 0;
        for (Map.Entry<String, String> e : n.facts().entrySet()) {
            if (i++ == 25) {
                break;
            }
            ObjectNode f = fields.addObject();
            f.put("name", SafeText.cut(SafeText.markdown(SafeText.line(e.getKey(), 100)), 256));
            f.put("value", SafeText.cut(SafeText.markdown(SafeText.line(e.getValue(), 500)), 1024));
            f.put("inline", true);
        }
        return o;
    }

    private static ObjectNode generic(Notification n) {
        ObjectNode o = F.objectNode();
        o.put("event", n.event());
        o.put("severity", n.severity().externalName());
        o.put("title", SafeText.line(n.title(), 1000));
        o.put("text", SafeText.lines(n.text(), 20_000));
        o.put("timestamp", n.at().toString());
        ObjectNode facts = o.putObject("facts");
        n.facts().forEach((k, v) -> facts.put(k, SafeText.line(v, 2000)));
        o.set("data", Json.mapper().valueToTree(n.data()));
        return o;
    }
}
