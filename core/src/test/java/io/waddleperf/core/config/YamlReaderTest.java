package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.config.Node.Mapping;
import io.waddleperf.core.config.Node.Scalar;
import io.waddleperf.core.config.Node.Seq;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    final List<String> problems = new ArrayList<>();

    @Test
    void keeps_the_line_of_every_key_and_the_source_text_of_scalars() {
        Mapping root = YamlReader.parse("c.yml", """
                # comment
                version: 1.10
                port: 0x1F
                server:
                  names: [a, "b"]
                """, problems);
        assertThat(problems).isEmpty();
        assertThat(root.entries().get("version")).isEqualTo(new Scalar("1.10", origin("c.yml:2")));
        assertThat(((Scalar) root.entries().get("port")).text()).isEqualTo("0x1F");
        Mapping server = (Mapping) root.entries().get("server");
        assertThat(server.origin()).isEqualTo(origin("c.yml:4"));
        assertThat(((Seq) server.entries().get("names")).items()).extracting(n -> ((Scalar) n).text())
                .containsExactly("a", "b");
        assertThat(server.entries().get("names").origin()).isEqualTo(origin("c.yml:5"));
    }

    @Test
    void reports_duplicate_keys_which_a_tree_would_silently_drop() {
        YamlReader.parse("d.yml", "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", problems);
        assertThat(problems).containsExactly("duplicate key 'b.c' in d.yml:4", "duplicate key 'a' in d.yml:5");
    }

    @Test
    void refuses_a_top_level_that_is_not_a_mapping_and_several_documents() {
        assertThat(YamlReader.parse("l.yml", "- a\n- b\n", problems)).isNull();
        assertThat(YamlReader.parse("s.yml", "just text\n", problems)).isNull();
        assertThat(YamlReader.parse("m.yml", "a: 1\n---\nb: 2\n", problems)).isNull();
        assertThat(problems).containsExactly(
                "expected keys at the top of l.yml, got a list",
                "expected keys at the top of s.yml, got a single value",
                "m.yml holds more than one YAML document (the second starts in m.yml:3)");
    }

    @Test
    void reports_syntax_errors_with_file_and_line() {
        assertThat(YamlReader.parse("e.yml", "a: 1\nb: [1, 2\nc: 3\n", problems)).isNull();
        assertThat(problems).singleElement().asString().startsWith("cannot parse e.yml:");
    }

    @Test
    void reads_an_empty_document_as_an_empty_mapping() {
        assertThat(YamlReader.parse("e.yml", "", problems).entries()).isEmpty();
        assertThat(YamlReader.parse("e.yml", "# only a comment\n", problems).entries()).isEmpty();
        assertThat(YamlReader.parse("e.yml", "~\n", problems).entries()).isEmpty();
        assertThat(problems).isEmpty();
    }

    private static Node.Origin origin(String where) {
        return new Node.Origin(Node.Origin.Kind.FILE, where);
    }
}
