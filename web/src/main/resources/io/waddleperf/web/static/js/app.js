// Entry point: tabs, theme, and the shared state between tabs (the API key). Each tab is its own module.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { speedSettings } from './settings.js';
import { SpeedTest } from './views/speed.js';
import { DownloadTest } from './views/download.js';
import { ApiTests } from './views/apitests.js';

const TABS = [
  ['speed', 'Speed Test'],
  ['download', 'Download Test'],
  ['network', 'Network Tests'],
  ['trace', 'Trace Tests'],
];
const THEMES = ['auto', 'light', 'dark'];

function tabFromHash() {
  const id = location.hash.slice(1);
  return TABS.some(([t]) => t === id) ? id : 'speed';
}

function App() {
  const [tab, setTab] = useState(tabFromHash());
  const [theme, setTheme] = useState(localStorage.getItem('waddleperf.theme') || 'auto');
  // session storage: the key should not outlive the tab on a shared machine
  const [apiKey, setApiKeyState] = useState(sessionStorage.getItem('waddleperf.api_key') || '');
  const [settings] = useState(() => speedSettings(location.search));

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('waddleperf.theme', theme);
  }, [theme]);
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const setApiKey = (k) => {
    setApiKeyState(k);
    sessionStorage.setItem('waddleperf.api_key', k);
  };
  const choose = (id) => {
    history.replaceState(null, '', `${location.search}#${id}`);
    setTab(id);
  };

  return html`
    <header>
      <h1>WaddlePerf</h1>
      <nav role="tablist">
        ${TABS.map(([id, label]) => html`<button role="tab" aria-selected=${tab === id} data-testid=${`tab-${id}`}
          onClick=${() => choose(id)}>${label}</button>`)}
      </nav>
      <label>Theme <select value=${theme} onChange=${(e) => setTheme(e.target.value)} data-testid="theme">
        ${THEMES.map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
    </header>
    <main>
      ${tab === 'speed' && html`<${SpeedTest} settings=${settings} />`}
      ${tab === 'download' && html`<${DownloadTest} />`}
      ${tab === 'network' && html`<${ApiTests} kind="network" key="network" apiKey=${apiKey} setApiKey=${setApiKey} />`}
      ${tab === 'trace' && html`<${ApiTests} kind="trace" key="trace" apiKey=${apiKey} setApiKey=${setApiKey} />`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
