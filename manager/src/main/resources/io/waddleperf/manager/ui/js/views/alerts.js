// Alerts: what fires now (refreshed every 15 s while the tab is visible), the history of changes, and the rules
// (made, changed and deleted by admins). Reading is every role but `user`; the manager answers 403 to `user` and
// decides what each admin may change.

import { html, useEffect, useState } from '../lib.js';
import { del, get, post, put, query } from '../api.js';
import { isAdmin, isGlobalAdmin } from '../session.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import * as fmt from '../format.js';

/** Alerts: every role but `user`. */
export const readsAlerts = (user) => user && user.role !== 'user';

const METRICS = [['latency_ms', 'latency (ms)'], ['packet_loss_percent', 'packet loss (%)'],
  ['throughput_mbps', 'throughput (Mbit/s)'], ['success_rate_percent', 'success rate (%)']];
const COMPARISONS = [['gt', '>'], ['ge', '≥'], ['lt', '<'], ['le', '≤']];
const TEST_TYPES = ['tcp', 'tls', 'udp', 'udp_raw', 'dns', 'http', 'ssh', 'icmp', 'traceroute', 'mtr', 'mtu',
  'http_trace', 'tcp_trace', 'udp_trace', 'iperf3', 'speedtest', 'rpm'];
const FORMATS = ['slack', 'teams', 'discord', 'generic'];
const HISTORY = 50;
/** Firing rules and history are read again this often while the tab is visible, as on the dashboard. */
const REFRESH_MS = 15000;

const symbol = (c) => COMPARISONS.find(([k]) => k === c)?.[1] || c;
const value = (v) => (v === null || v === undefined ? '—' : fmt.num(v, 2));

function StateBadge({ state }) {
  return html`<span class=${'badge ' + (state === 'firing' ? 'fail' : 'ok')}>${state || 'not judged'}</span>`;
}

export function Alerts({ user }) {
  const state = useLoad(() => get('/api/v1/alerts/state'), []);
  const history = useLoad(() => get('/api/v1/alerts/history' + query({ limit: HISTORY })), []);
  const rules = useLoad(() => get('/api/v1/alerts/rules'), []);
  const ous = useLoad(() => get('/api/v1/organizations'), []);
  const [editing, setEditing] = useState(null); // null: no form; {}: a new rule; a rule: that rule
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const ouList = Array.isArray(ous.data) ? ous.data : [];
  const ouName = (id) => (id ? ouList.find((o) => o.id === id)?.name || id : 'every OU');
  const reload = () => { state.reload(); history.reload(); rules.reload(); };
  const firing = (state.data || []).filter((s) => s.state === 'firing');
  useEffect(() => {
    // states and history only: the rules change through this page, and an open form keeps what is typed
    const refresh = () => { if (!document.hidden) { state.reload(); history.reload(); } };
    const timer = setInterval(refresh, REFRESH_MS);
    document.addEventListener('visibilitychange', refresh);
    return () => { clearInterval(timer); document.removeEventListener('visibilitychange', refresh); };
  }, []);

  const remove = async (r) => {
    if (!confirm(`Delete the alert rule ${r.name}? Its history stays.`)) return;
    setError(null);
    setNotice(null);
    try {
      await del('/api/v1/alerts/rules/' + r.id);
      setNotice(`Rule ${r.name} deleted.`);
      reload();
    } catch (e) {
      setError(e);
    }
  };
  const saved = (r, created) => {
    setEditing(null);
    setError(null);
    setNotice(`Rule ${r.name} ${created ? 'created' : 'saved'}; it is ${r.state?.state || 'not judged yet'}.`);
    reload();
  };

  return html`<section>
    <h1 tabindex="-1">Alerts</h1>
    <div class="actions"><button type="button" class="secondary" onClick=${reload}>Refresh</button></div>
    <h2>Firing now</h2>
    <${ErrorBox} error=${state.error} />
    ${state.loading && !state.data ? html`<${Loading} what="alert states" />` : state.data && (firing.length === 0
      ? html`<p class="muted" data-testid="no-firing">No rule is firing.</p>`
      : html`<div class="table-wrap"><table data-testid="firing">
        <thead><tr><th scope="col">Rule</th><th scope="col">Target</th><th scope="col">Metric</th>
          <th scope="col">Value</th><th scope="col">Samples</th><th scope="col">Since</th></tr></thead>
        <tbody>${firing.map((s) => html`<tr data-rule=${s.rule_name}>
          <td>${s.rule_name}</td><td>${s.target}</td><td>${s.metric}</td><td class="num">${value(s.last_value)}</td>
          <td class="num">${fmt.count(s.last_samples)}</td><td>${fmt.time(s.since)}</td></tr>`)}
        </tbody></table></div>`)}

    <h2>Rules</h2>
    <${ErrorBox} error=${error || rules.error} />
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${isAdmin(user) && !editing && html`<p><button type="button" onClick=${() => { setNotice(null); setEditing({}); }}>New rule</button></p>`}
    ${editing && html`<${RuleForm} user=${user} rule=${editing} ous=${ouList} onSaved=${saved} onCancel=${() => setEditing(null)} />`}
    ${rules.loading && !rules.data ? html`<${Loading} what="rules" />` : rules.data && (rules.data.length === 0
      ? html`<p class="muted">No alert rules.</p>`
      : html`<div class="table-wrap"><table data-testid="rules">
        <thead><tr><th scope="col">Name</th><th scope="col">OU</th><th scope="col">Target</th><th scope="col">Condition</th>
          <th scope="col">Window</th><th scope="col">State</th><th scope="col">Notifies</th>
          ${isAdmin(user) && html`<th scope="col">Actions</th>`}</tr></thead>
        <tbody>${rules.data.map((r) => html`<tr data-rule=${r.name}>
          <td>${r.name}${r.enabled ? '' : html` <span class="badge status-offline">disabled</span>`}</td>
          <td>${ouName(r.ou_id)}</td>
          <td>${r.target}${r.test_type ? html` <span class="muted">(${r.test_type})</span>` : ''}</td>
          <td>mean ${r.metric} ${symbol(r.comparison)} ${r.threshold}</td>
          <td>${r.window_seconds} s, ≥ ${r.min_samples} results</td>
          <td><${StateBadge} state=${r.state?.state} />${r.state?.last_value != null
            ? html` <span class="muted">${value(r.state.last_value)}</span>` : ''}</td>
          <td>${[r.webhook ? `${r.webhook.format} webhook` : null, ...(r.email_to || [])].filter(Boolean).join(', ') || '—'}</td>
          ${isAdmin(user) && html`<td class="actions">
            <button type="button" class="secondary" aria-label=${'Edit ' + r.name}
                    onClick=${() => { setNotice(null); setEditing(r); }}>Edit</button>
            <button type="button" class="secondary" aria-label=${'Delete ' + r.name} onClick=${() => remove(r)}>Delete</button>
          </td>`}</tr>`)}
        </tbody></table></div>`)}

    <h2>History</h2>
    <${ErrorBox} error=${history.error} />
    ${history.loading && !history.data ? html`<${Loading} what="history" />` : history.data && (history.data.length === 0
      ? html`<p class="muted">No rule has changed state yet.</p>`
      : html`<p class="muted">${history.data.length} change${history.data.length === 1 ? '' : 's'}, newest first (at most ${HISTORY}).</p>
        <div class="table-wrap"><table data-testid="alert-history">
        <thead><tr><th scope="col">When</th><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Target</th>
          <th scope="col">Value</th><th scope="col">Samples</th><th scope="col">Delivery</th></tr></thead>
        <tbody>${history.data.map((e) => html`<tr>
          <td>${fmt.time(e.occurred_at)}</td><td>${e.rule_name}</td><td><${StateBadge} state=${e.state} /></td>
          <td>${e.target}</td><td class="num">${value(e.value)} <span class="muted">${symbol(e.comparison)} ${e.threshold}</span></td>
          <td class="num">${fmt.count(e.samples)}</td><td class="small">${e.delivery || '—'}</td></tr>`)}
        </tbody></table></div>`)}
  </section>`;
}

/** The form for a new rule (`rule` empty) or for changing one; the webhook's URL and secret are write-only. */
function RuleForm({ user, rule, ous, onSaved, onCancel }) {
  const creating = !rule.id;
  const [f, setF] = useState({
    name: rule.name || '', ou_id: rule.ou_id || (isGlobalAdmin(user) ? '' : user.ou_id || ''),
    target: rule.target || '', test_type: rule.test_type || '', metric: rule.metric || 'latency_ms',
    comparison: rule.comparison || 'gt', threshold: rule.threshold ?? '', window_seconds: rule.window_seconds ?? 300,
    min_samples: rule.min_samples ?? 3, enabled: rule.enabled ?? true, webhook_url: '',
    webhook_format: rule.webhook?.format || 'slack', webhook_secret: '', drop_webhook: false,
    email_to: (rule.email_to || []).join(', '),
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const field = (k) => (e) => setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const id = (k) => 'rule-' + k;

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const body = {
      name: f.name, target: f.target, test_type: f.test_type || null, metric: f.metric, comparison: f.comparison,
      threshold: f.threshold === '' ? null : Number(f.threshold), window_seconds: Number(f.window_seconds),
      min_samples: Number(f.min_samples), enabled: f.enabled,
      email_to: f.email_to.split(',').map((s) => s.trim()).filter(Boolean),
    };
    if (creating && f.ou_id) body.ou_id = f.ou_id;
    if (f.drop_webhook) body.webhook = null;
    else if (f.webhook_url) {
      body.webhook = { url: f.webhook_url, format: f.webhook_format };
      if (f.webhook_secret) body.webhook.secret = f.webhook_secret;
    }
    setBusy(true);
    try {
      const saved = creating ? await post('/api/v1/alerts/rules', body) : await put('/api/v1/alerts/rules/' + rule.id, body);
      onSaved(saved, creating);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="config-form" onSubmit=${submit} aria-labelledby="rule-form-title" data-testid="rule-form">
    <h3 id="rule-form-title">${creating ? 'New rule' : `Edit ${rule.name}`}</h3>
    <${ErrorBox} error=${error} />
    <div class="form-grid">
      <label for=${id('name')}>Name</label>
      <input id=${id('name')} required maxlength="255" value=${f.name} onInput=${field('name')} />
      ${creating && isGlobalAdmin(user) && html`<label for=${id('ou')}>Organisation unit</label>
        <select id=${id('ou')} value=${f.ou_id} onChange=${field('ou_id')}>
          <option value="">every OU</option>${ous.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
        </select>`}
      <label for=${id('target')}>Target</label>
      <input id=${id('target')} required value=${f.target} onInput=${field('target')} placeholder="tcp://edge.example:443" />
      <label for=${id('type')}>Test type</label>
      <select id=${id('type')} value=${f.test_type} onChange=${field('test_type')}>
        <option value="">any</option>${TEST_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}
      </select>
      <label for=${id('metric')}>Metric</label>
      <select id=${id('metric')} value=${f.metric} onChange=${field('metric')}>
        ${METRICS.map(([k, label]) => html`<option value=${k}>${label}</option>`)}
      </select>
      <label for=${id('comparison')}>Fires while the mean is</label>
      <select id=${id('comparison')} value=${f.comparison} onChange=${field('comparison')}>
        ${COMPARISONS.map(([k, label]) => html`<option value=${k}>${label}</option>`)}
      </select>
      <label for=${id('threshold')}>Threshold</label>
      <input id=${id('threshold')} type="number" step="any" required value=${f.threshold} onInput=${field('threshold')} />
      <label for=${id('window')}>Window (seconds)</label>
      <input id=${id('window')} type="number" min="60" max="86400" required value=${f.window_seconds} onInput=${field('window_seconds')} />
      <label for=${id('samples')}>Minimum results</label>
      <input id=${id('samples')} type="number" min="1" max="10000" required value=${f.min_samples} onInput=${field('min_samples')} />
      <label for=${id('enabled')}>Enabled</label>
      <input id=${id('enabled')} type="checkbox" checked=${f.enabled} onChange=${field('enabled')} />
      <label for=${id('webhook-url')}>Webhook URL</label>
      <input id=${id('webhook-url')} type="url" value=${f.webhook_url} onInput=${field('webhook_url')} disabled=${f.drop_webhook}
             placeholder=${rule.webhook ? `unchanged (${rule.webhook.url})` : 'none'} />
      <label for=${id('webhook-format')}>Webhook format</label>
      <select id=${id('webhook-format')} value=${f.webhook_format} onChange=${field('webhook_format')}>
        ${FORMATS.map((k) => html`<option value=${k}>${k}</option>`)}
      </select>
      <label for=${id('webhook-secret')}>Signing secret (generic only)</label>
      <input id=${id('webhook-secret')} type="password" autocomplete="off" value=${f.webhook_secret} onInput=${field('webhook_secret')} />
      ${rule.webhook && html`<label for=${id('drop-webhook')}>Remove the webhook</label>
        <input id=${id('drop-webhook')} type="checkbox" checked=${f.drop_webhook} onChange=${field('drop_webhook')} />`}
      <label for=${id('email')}>E-mail to (comma separated)</label>
      <input id=${id('email')} value=${f.email_to} onInput=${field('email_to')} />
    </div>
    <div class="row">
      <button type="submit" disabled=${busy}>${creating ? 'Create rule' : 'Save rule'}</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}
