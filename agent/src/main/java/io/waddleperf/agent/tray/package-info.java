/**
 * The desktop tray of {@code waddleperf agent --tray}: an icon coloured by the agent's tier, its last result as the
 * tooltip, and a menu (run now, pause/resume, open the status page, quit). It sees the agent only through
 * {@link io.waddleperf.agent.AgentControls}; {@link io.waddleperf.agent.tray.TrayLook} decides what the icon shows
 * without AWT, {@link io.waddleperf.agent.tray.TraySupport} says why there is no tray, and only
 * {@link io.waddleperf.agent.tray.DesktopTray} touches AWT, so an agent started without {@code --tray} never loads it.
 */
package io.waddleperf.agent.tray;
