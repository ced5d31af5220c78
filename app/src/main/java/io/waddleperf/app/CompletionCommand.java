package io.waddleperf.app;

import io.waddleperf.core.spec.ProbeCatalog;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Prints a bash/zsh completion script: {@code source <(waddleperf completion)}. picocli's script completes commands,
 * flags and fixed value lists; a function around it completes what depends on other words: after {@code test}, a
 * target's URI scheme, and after {@code --opt} only the option keys of the target's probe type.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a bash/zsh completion script (use: source <(waddleperf completion)).")
public final class CompletionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(script(root));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }

    static String script(CommandLine root) {
        String name = root.getCommandName();
        String picocli = AutoComplete.bash(name, root);
        int registration = picocli.lastIndexOf("complete -F _complete_" + name);
        return picocli.substring(0, registration) + probeWords(name)
                + "complete -F _" + name + "_probe_words -o default " + name + "\n";
    }

    /** The bash function that completes schemes and per-scheme {@code --opt} keys, else hands over to picocli's. */
    private static String probeWords(String name) {
        StringBuilder cases = new StringBuilder();
        for (ProbeCatalog.Probe p : ProbeCatalog.all()) {
            cases.append("      ").append(String.join("|", p.schemes())).append(") keys=\"")
                    .append(p.options().stream().map(o -> o.key() + "=").collect(Collectors.joining(" ")))
                    .append("\" ;;\n");
        }
        String schemes = ProbeCatalog.schemes().stream().map(s -> s + "://").collect(Collectors.joining(" "));
        return """
                # %1$s: URI schemes of test targets, and --opt keys of the target's probe type
                function _%1$s_probe_words() {
                  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
                  if [[ "${COMP_WORDS[1]}" == test && ( "$prev" == --opt || "$prev" == -o ) ]]; then
                    local scheme="" w keys=""
                    for w in "${COMP_WORDS[@]:2}"; do
                      [[ "$w" == *://* ]] && scheme="${w%%%%://*}"
                    done
                    case "$(printf '%%s' "$scheme" | tr '[:upper:]' '[:lower:]')" in
                %2$s      *) keys="%3$s" ;;
                    esac
                    COMPREPLY=( $(compgen -W "help $keys" -- "$cur") )
                    type compopt &>/dev/null && compopt -o nospace
                    return 0
                  fi
                  local i target=""
                  for ((i = 2; i < COMP_CWORD; i++)); do
                    [[ "${COMP_WORDS[i]}" == *://* ]] && target=yes
                  done
                  if [[ "${COMP_WORDS[1]}" == test && -z "$target" && "$cur" != -* && "$cur" != *://* \
                        && ( "$prev" != -* || "$prev" == --json || "$prev" == --reverse || "$prev" == --bidir \
                             || "$prev" == --udp ) ]]; then
                    COMPREPLY=( $(compgen -W "%4$s" -- "$cur") )
                    if [[ ${#COMPREPLY[@]} -gt 0 ]]; then
                      type compopt &>/dev/null && compopt -o nospace
                      return 0
                    fi
                  fi
                  _complete_%1$s "$@"
                }

                """.formatted(name, cases, ProbeCatalog.all().stream().flatMap(p -> p.options().stream())
                        .map(o -> o.key() + "=").distinct().sorted().collect(Collectors.joining(" ")), schemes);
    }
}
