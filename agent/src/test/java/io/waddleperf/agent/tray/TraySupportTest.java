package io.waddleperf.agent.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Why there is no tray, and what the agent says then. */
class TraySupportTest {

    private static final Optional<URI> PAGE = Optional.of(URI.create("http://127.0.0.1:9115/"));

    @Test
    void a_display_without_a_tray_host_gets_a_message_naming_it_saying_the_agent_goes_on_and_where_to_look() {
        assertThat(TraySupport.fallbackMessage(TraySupport.noTrayHost(":5"), PAGE)).isEqualTo(
                "waddleperf agent: --tray: no tray icon: no system tray on display :5 (no tray host such as a desktop "
                + "panel's notification area is running). The agent goes on measuring without it; its status page is "
                + "at http://127.0.0.1:9115/.");
    }

    @Test
    void without_a_status_port_the_message_points_at_the_log() {
        assertThat(TraySupport.fallbackMessage(TraySupport.noTrayHost(":0"), Optional.empty()))
                .endsWith("The agent goes on measuring without it; its status port is off (status.enabled=false), so "
                        + "its log is the place to look.");
    }

    @Test
    void the_reasons_known_without_awt() {
        assertThat(TraySupport.withoutAwt(Map.of("DISPLAY", ":0"), "true", "Linux"))
                .contains("this Java runs headless (java.awt.headless=true)");
        assertThat(TraySupport.withoutAwt(Map.of(), null, "Linux")).contains("no display (DISPLAY is not set: started "
                + "outside a desktop session, e.g. over ssh or as a service)");
        assertThat(TraySupport.withoutAwt(Map.of("DISPLAY", " "), null, "FreeBSD")).isPresent();
        assertThat(TraySupport.withoutAwt(Map.of("WAYLAND_DISPLAY", "wayland-0"), null, "Linux"))
                .contains("no X display (DISPLAY is not set; the tray needs X11 or Xwayland)");
        assertThat(TraySupport.withoutAwt(Map.of("DISPLAY", ":0"), "false", "Linux")).isEmpty();
        // Windows and macOS have no DISPLAY: AWT itself says whether there is a tray
        assertThat(TraySupport.withoutAwt(Map.of(), null, "Windows 11")).isEmpty();
        assertThat(TraySupport.withoutAwt(Map.of(), null, "Mac OS X")).isEmpty();
    }

    @Test
    void a_runtime_without_desktop_libraries_is_named_as_such() {
        assertThat(TraySupport.awtFailed(":0", new UnsatisfiedLinkError("libawt_xawt.so: cannot open shared object")))
                .isEqualTo("this Java runtime has no desktop support (libawt_xawt.so: cannot open shared object; a "
                        + "headless runtime package, install the full one)");
        assertThat(TraySupport.awtFailed(":9", new java.awt.AWTError("Can't connect to X11 window server using ':9'")))
                .isEqualTo("cannot use the display :9: java.awt.AWTError: Can't connect to X11 window server using ':9'");
    }
}
