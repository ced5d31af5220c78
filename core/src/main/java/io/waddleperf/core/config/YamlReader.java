package io.waddleperf.core.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.waddleperf.core.config.Node.Mapping;
import io.waddleperf.core.config.Node.Origin;
import io.waddleperf.core.config.Node.Scalar;
import io.waddleperf.core.config.Node.Seq;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader of a YAML configuration file (or of a JSON document, {@link #parseJson}) into a {@link Node} tree that
 * keeps the line of every key. It walks Jackson's token stream rather than a {@code JsonNode} so that duplicate keys
 * are caught (a tree silently keeps the last) and problems can name the line.
 */
final class YamlReader {

    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private final String file;
    private final List<String> problems;
    /** What one top-level value is called in the source's language, for a source holding several. */
    private final String documentWord;

    private YamlReader(String file, List<String> problems, String documentWord) {
        this.file = file;
        this.problems = problems;
        this.documentWord = documentWord;
    }

    /** The file's top-level mapping (empty for an empty file), or null after adding a problem. */
    static Mapping read(Path path, List<String> problems) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            problems.add("config file not found: " + path);
            return null;
        } catch (CharacterCodingException e) {
            problems.add("config file " + path + " is not UTF-8 text");
            return null;
        } catch (IOException e) {
            problems.add("cannot read config file " + path + ": " + e);
            return null;
        }
        return parse(path.toString(), text, problems);
    }

    static Mapping parse(String file, String text, List<String> problems) {
        return parse(FACTORY, file, text, problems);
    }

    /** A JSON document's top-level object, read like a YAML file ({@code file} names it in problems). */
    static Mapping parseJson(String file, String text, List<String> problems) {
        return parse(JSON, file, text, problems);
    }

    private static Mapping parse(JsonFactory factory, String file, String text, List<String> problems) {
        YamlReader reader = new YamlReader(file, problems, factory == JSON ? "JSON value" : "YAML document");
        try (JsonParser parser = factory.createParser(text)) {
            return reader.document(parser);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            problems.add("cannot parse " + file + (line > 0 ? ":" + line : "") + ": " + e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            problems.add("cannot parse " + file + ": " + e.getMessage());
            return null;
        }
    }

    private Mapping document(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        Origin top = origin(parser);
        if (first == null || first == JsonToken.VALUE_NULL) {
            return Mapping.empty(top);
        }
        if (first != JsonToken.START_OBJECT) {
            problems.add("expected keys at the top of " + file + ", got " + describe(first));
            return null;
        }
        Mapping root = (Mapping) value(parser, first, top, "");
        if (parser.nextToken() != null) {
            problems.add(file + " holds more than one " + documentWord + " (the second starts " + origin(parser).phrase()
                    + ")");
            return null;
        }
        return root;
    }

    private Node value(JsonParser parser, JsonToken token, Origin origin, String path) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Mapping mapping = Mapping.empty(origin);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Origin keyOrigin = origin(parser);
                    String keyPath = Names.join(path, key);
                    Node child = value(parser, parser.nextToken(), keyOrigin, keyPath);
                    if (mapping.entries().putIfAbsent(key, child) != null) {
                        problems.add("duplicate key '" + keyPath + "' " + keyOrigin.phrase());
                    }
                }
                return mapping;
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(value(parser, t, origin(parser), path + "[" + items.size() + "]"));
                }
                return new Seq(List.copyOf(items), origin);
            }
            case VALUE_NULL -> {
                return new Scalar(null, origin);
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                return new Scalar(parser.getText(), origin);
            }
            default -> throw new IOException("unexpected " + describe(token) + " at '" + path + "' " + origin.phrase());
        }
    }

    private Origin origin(JsonParser parser) {
        return new Origin(Origin.Kind.FILE, file + ":" + parser.currentTokenLocation().getLineNr());
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a mapping";
            default -> "a single value";
        };
    }
}
