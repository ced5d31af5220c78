// The manager's web UI: the session, the hash router and the page frame (navigation by role, theme, logout).

import { html, render, useEffect, useState } from './lib.js';
import { get, post, onUnauthorized } from './api.js';
import { isAdmin, readsDevices } from './session.js';
import { Login } from './views/login.js';
import { Dashboard } from './views/dashboard.js';
import { Devices } from './views/devices.js';
import { Statistics } from './views/statistics.js';
import { Results, ResultDetail } from './views/results.js';
import { Admin } from './views/admin.js';
import { Profile } from './views/profile.js';
import { Alerts, readsAlerts } from './views/alerts.js';
import { GeoMap } from './views/map.js';
import { SmokePing } from './views/smokeping.js';
import { SpeedTest } from './views/speedtest.js';
import { parseHash } from './nav.js';

const THEME_KEY = 'waddleperf.manager.theme';

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
}
applyTheme(localStorage.getItem(THEME_KEY) || 'auto');

function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function ThemeSelect() {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme);
  const change = (e) => {
    setTheme(e.target.value);
    localStorage.setItem(THEME_KEY, e.target.value);
    applyTheme(e.target.value);
  };
  return html`<label class="theme">Theme
    <select id="theme" value=${theme} onChange=${change}>
      <option value="auto">auto</option><option value="light">light</option><option value="dark">dark</option>
    </select></label>`;
}

function navItems(user) {
  return [
    ['/', 'Dashboard', true],
    ['/devices', 'Devices', readsDevices(user)],
    ['/statistics', 'Statistics', true],
    ['/results', 'Results', true],
    ['/map', 'Map', true],
    ['/speedtest', 'Speed test', true],
    ['/alerts', 'Alerts', readsAlerts(user)],
    ['/admin', 'Admin', isAdmin(user)],
    ['/profile', 'Profile', true],
  ].filter(([, , shown]) => shown);
}

function NotAllowed() {
  return html`<section><h1>Not allowed</h1><p role="alert">Your role may not use this screen.</p></section>`;
}

function page(route, user) {
  const [first, second] = route.path;
  switch (first) {
    case undefined: return html`<${Dashboard} user=${user} />`;
    case 'devices': return readsDevices(user) ? html`<${Devices} user=${user} params=${route.params} />` : html`<${NotAllowed} />`;
    case 'statistics': return html`<${Statistics} user=${user} params=${route.params} />`;
    case 'results': return html`<${Results} params=${route.params} />`;
    case 'result': return html`<${ResultDetail} id=${second} />`;
    case 'map': return html`<${GeoMap} params=${route.params} />`;
    case 'speedtest': return html`<${SpeedTest} user=${user} />`;
    case 'smokeping': return html`<${SmokePing} params=${route.params} />`;
    case 'alerts': return readsAlerts(user) ? html`<${Alerts} user=${user} />` : html`<${NotAllowed} />`;
    case 'admin': return isAdmin(user) ? html`<${Admin} user=${user} tab=${second || 'users'} />` : html`<${NotAllowed} />`;
    case 'profile': return html`<${Profile} user=${user} />`;
    default: return html`<section><h1>Not found</h1><p>No screen at ${location.hash}.</p></section>`;
  }
}

function Shell({ user, onLogout }) {
  const route = useRoute();
  const current = '/' + (route.path[0] || '');
  useEffect(() => {
    // after a navigation the new screen's heading gets the focus, so keyboard and screen-reader users start there
    document.querySelector('main h1')?.focus();
  }, [current]);
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">WaddlePerf</span>
      <nav aria-label="Main">
        <ul>${navItems(user).map(([path, label]) => html`
          <li><a href=${'#' + path} aria-current=${current === path ? 'page' : undefined}>${label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        <${ThemeSelect} />
        <span class="user" data-testid="current-user">${user.username} <span class="muted">(${user.role})</span></span>
        <button type="button" class="secondary" onClick=${onLogout}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1">
      ${user.mfa_setup_required
        ? html`<${Profile} user=${user} mfaOnly=${true} />`
        : page(route, user)}
    </main>`;
}

function App() {
  const [user, setUser] = useState(undefined);
  useEffect(() => {
    get('/api/v1/auth/me').then(setUser, () => setUser(null));
    return onUnauthorized(() => setUser(null));
  }, []);
  const logout = async () => {
    try { await post('/api/v1/auth/logout'); } catch { /* the session is gone either way */ }
    setUser(null);
  };
  if (user === undefined) return html`<p class="muted">Loading…</p>`;
  if (user === null) {
    return html`<${Login} onLoggedIn=${(u, setupOnly) => setUser(setupOnly ? { ...u, mfa_setup_required: true } : u)} />`;
  }
  return html`<${Shell} user=${user} onLogout=${logout} />`;
}

render(html`<${App} />`, document.getElementById('app'));
