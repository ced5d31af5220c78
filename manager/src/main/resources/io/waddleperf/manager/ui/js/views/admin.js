// Administration: users, organisation units, enrolment secrets, agent configuration and the audit log. What a
// role may change the manager decides; the screens show its answers, errors included.

import { html, useState } from '../lib.js';
import { del, get, patch, post, put, query } from '../api.js';
import { assignableRoles, isGlobalAdmin } from '../session.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import * as fmt from '../format.js';

const TABS = [['users', 'Users'], ['ous', 'Organisation units'], ['secrets', 'Enrolment secrets'],
  ['config', 'Agent configuration'], ['audit', 'Audit log']];

export function Admin({ user, tab }) {
  const ous = useLoad(() => get('/api/v1/organizations'), [tab]);
  const ouList = ous.data || [];
  const ouName = (id) => ouList.find((o) => o.id === id)?.name || id || '—';
  return html`<section>
    <h1 tabindex="-1">Admin</h1>
    <nav aria-label="Admin sections" class="tabs"><ul>
      ${TABS.map(([k, label]) => html`<li><a href=${'#/admin/' + k} aria-current=${tab === k ? 'page' : undefined}>${label}</a></li>`)}
    </ul></nav>
    ${tab === 'users' && html`<${Users} user=${user} ous=${ouList} ouName=${ouName} />`}
    ${tab === 'ous' && html`<${Ous} user=${user} ous=${ous} />`}
    ${tab === 'secrets' && html`<${Secrets} ous=${ouList} ouName=${ouName} />`}
    ${tab === 'config' && html`<${AgentConfig} user=${user} ous=${ouList} />`}
    ${tab === 'audit' && html`<${Audit} />`}
  </section>`;
}

function OuSelect({ id, value, onChange, ous, allowNone }) {
  return html`<select id=${id} value=${value || ''} onChange=${(e) => onChange(e.target.value)}>
    ${allowNone && html`<option value="">none</option>`}
    ${ous.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
  </select>`;
}

function Users({ user, ous, ouName }) {
  const list = useLoad(() => get('/api/v1/users'), []);
  const [form, setForm] = useState({ username: '', password: '', role: 'user', ou_id: user.ou_id || '', email: '' });
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const act = async (what, fn) => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(what);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const create = (e) => {
    e.preventDefault();
    const body = { username: form.username, password: form.password, role: form.role };
    if (form.ou_id) body.ou_id = form.ou_id;
    if (form.email) body.email = form.email;
    act(`User ${form.username} created.`, async () => {
      await post('/api/v1/users', body);
      setForm({ ...form, username: '', password: '', email: '' });
    });
  };
  const field = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const users = Array.isArray(list.data) ? list.data : (list.data?.users || []);
  return html`
    <h2>Users</h2>
    <${ErrorBox} error=${error || list.error} />
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${list.loading && !list.data ? html`<${Loading} what="users" />` : html`<div class="table-wrap"><table data-testid="users">
      <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">OU</th><th scope="col">E-mail</th>
        <th scope="col">Active</th><th scope="col">MFA</th><th scope="col">Actions</th></tr></thead>
      <tbody>${users.map((u) => html`<tr data-user=${u.username}>
        <td>${u.username}</td>
        <td><label class="visually-hidden" for=${'role-' + u.id}>Role of ${u.username}</label>
          <select id=${'role-' + u.id} value=${u.role} disabled=${u.id === user.id}
                  onChange=${(e) => act(`Role of ${u.username} changed.`, () => patch('/api/v1/users/' + u.id, { role: e.target.value }))}>
            ${assignableRoles(user).map((r) => html`<option value=${r}>${r}</option>`)}
          </select></td>
        <td>${isGlobalAdmin(user) ? html`<label class="visually-hidden" for=${'ou-' + u.id}>OU of ${u.username}</label>
          <${OuSelect} id=${'ou-' + u.id} value=${u.ou_id} ous=${ous} allowNone=${true}
              onChange=${(v) => act(`OU of ${u.username} changed.`, () => patch('/api/v1/users/' + u.id, { ou_id: v || null }))} />` : ouName(u.ou_id)}</td>
        <td>${u.email || '—'}</td>
        <td>${u.active ? 'yes' : html`<span class="badge fail">deactivated</span>`}</td>
        <td>${u.mfa_enabled ? 'on' : 'off'}</td>
        <td class="actions">${u.id !== user.id && html`
          <button type="button" class="secondary" onClick=${() => act(`${u.username} ${u.active ? 'deactivated' : 'reactivated'}.`,
            () => patch('/api/v1/users/' + u.id, { active: !u.active }))}>${u.active ? 'Deactivate' : 'Reactivate'}</button>
          ${u.mfa_enabled && html`<button type="button" class="secondary" onClick=${() => act(`MFA of ${u.username} removed.`,
            () => del('/api/v1/users/' + u.id + '/mfa'))}>Reset MFA</button>`}`}
        </td></tr>`)}
      </tbody></table></div>`}
    <h3>New user</h3>
    <form class="form-grid" onSubmit=${create} data-testid="new-user">
      <label for="new-username">User name</label>
      <input id="new-username" required value=${form.username} onInput=${field('username')} autocomplete="off" />
      <label for="new-password">Password (12 characters or more)</label>
      <input id="new-password" type="password" required minlength="12" value=${form.password} onInput=${field('password')} autocomplete="new-password" />
      <label for="new-role">Role</label>
      <select id="new-role" value=${form.role} onChange=${field('role')}>
        ${assignableRoles(user).map((r) => html`<option value=${r}>${r}</option>`)}</select>
      <label for="new-ou">Organisation unit</label>
      <${OuSelect} id="new-ou" value=${form.ou_id} ous=${ous} allowNone=${isGlobalAdmin(user)} onChange=${(v) => setForm({ ...form, ou_id: v })} />
      <label for="new-email">E-mail (optional)</label>
      <input id="new-email" type="email" value=${form.email} onInput=${field('email')} />
      <div></div><button type="submit">Create user</button>
    </form>`;
}

function Ous({ user, ous }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState(null);
  const [edit, setEdit] = useState(null);
  const run = async (fn) => {
    setError(null);
    try { await fn(); ous.reload(); } catch (e) { setError(e); }
  };
  return html`<h2>Organisation units</h2>
    <${ErrorBox} error=${error || ous.error} />
    <div class="table-wrap"><table data-testid="ous">
      <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Actions</th></tr></thead>
      <tbody>${(ous.data || []).map((o) => edit && edit.id === o.id ? html`<tr>
          <td><label class="visually-hidden" for="edit-ou-name">Name</label>
            <input id="edit-ou-name" value=${edit.name} onInput=${(e) => setEdit({ ...edit, name: e.target.value })} /></td>
          <td><label class="visually-hidden" for="edit-ou-description">Description</label>
            <input id="edit-ou-description" value=${edit.description} onInput=${(e) => setEdit({ ...edit, description: e.target.value })} /></td>
          <td class="actions"><button type="button" onClick=${() => run(async () => {
            await put('/api/v1/organizations/' + o.id, { name: edit.name, description: edit.description }); setEdit(null); })}>Save</button>
            <button type="button" class="secondary" onClick=${() => setEdit(null)}>Cancel</button></td></tr>`
        : html`<tr><td>${o.name}</td><td>${o.description || '—'}</td><td class="actions">
          <button type="button" class="secondary" onClick=${() => setEdit({ id: o.id, name: o.name, description: o.description || '' })}>Edit</button>
          ${isGlobalAdmin(user) && html`<button type="button" class="secondary" onClick=${() => run(() => del('/api/v1/organizations/' + o.id))}>Delete</button>`}
        </td></tr>`)}</tbody></table></div>
    ${isGlobalAdmin(user) && html`<h3>New organisation unit</h3>
      <form class="form-grid" onSubmit=${(e) => { e.preventDefault(); run(async () => {
        await post('/api/v1/organizations', description ? { name, description } : { name }); setName(''); setDescription(''); }); }}>
        <label for="new-ou-name">Name</label><input id="new-ou-name" required value=${name} onInput=${(e) => setName(e.target.value)} />
        <label for="new-ou-description">Description</label><input id="new-ou-description" value=${description} onInput=${(e) => setDescription(e.target.value)} />
        <div></div><button type="submit">Create</button>
      </form>`}`;
}

function Secrets({ ous, ouName }) {
  const list = useLoad(() => get('/api/v1/enrollment/secrets'), []);
  const [ou, setOu] = useState('');
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [made, setMade] = useState(null);
  const [error, setError] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = {};
      if (name) body.name = name;
      if (expires) body.expires_at = new Date(expires).toISOString();
      setMade(await post('/api/v1/enrollment/secrets/' + (ou || ous[0]?.id), body));
      list.reload();
    } catch (err) { setError(err); }
  };
  const revoke = async (s) => {
    setError(null);
    try { await del('/api/v1/enrollment/secrets/' + s.id); list.reload(); } catch (err) { setError(err); }
  };
  return html`<h2>Enrolment secrets</h2>
    <${ErrorBox} error=${error || list.error} />
    ${made && html`<div class="notice" role="status"><p>Secret for ${ouName(made.ou_id)} — shown this once; copy it now:</p>
      <label for="made-secret">New enrolment secret</label>
      <input id="made-secret" readonly value=${made.secret} class="mono" onFocus=${(e) => e.target.select()} /></div>`}
    <div class="table-wrap"><table data-testid="secrets">
      <thead><tr><th scope="col">Name</th><th scope="col">OU</th><th scope="col">Prefix</th><th scope="col">Created</th>
        <th scope="col">Expires</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
      <tbody>${(list.data?.secrets || []).map((s) => html`<tr>
        <td>${s.name || '—'}</td><td>${ouName(s.ou_id)}</td><td class="mono">${s.secret_prefix}…</td>
        <td>${fmt.time(s.created_at)}</td><td>${s.expires_at ? fmt.time(s.expires_at) : 'never'}</td>
        <td>${s.is_active ? 'active' : (s.revoked_at ? 'revoked' : 'expired')}</td>
        <td>${s.is_active && html`<button type="button" class="secondary" onClick=${() => revoke(s)}>Revoke</button>`}</td></tr>`)}
      </tbody></table></div>
    <h3>New secret</h3>
    <form class="form-grid" onSubmit=${create}>
      <label for="secret-ou">Organisation unit</label>
      <${OuSelect} id="secret-ou" value=${ou || ous[0]?.id} ous=${ous} onChange=${setOu} />
      <label for="secret-name">Name</label><input id="secret-name" value=${name} onInput=${(e) => setName(e.target.value)} />
      <label for="secret-expires">Expires (optional)</label>
      <input id="secret-expires" type="datetime-local" value=${expires} onInput=${(e) => setExpires(e.target.value)} />
      <div></div><button type="submit" disabled=${ous.length === 0}>Create secret</button>
    </form>`;
}

function AgentConfig({ user, ous }) {
  const [scope, setScope] = useState(isGlobalAdmin(user) ? 'default' : (user.ou_id || ous[0]?.id || ''));
  const path = '/api/v1/enrollment/configs/' + scope;
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const current = useLoad(async () => {
    try {
      const c = await get(path);
      setText(JSON.stringify(c.config_data, null, 2));
      setName(c.config_name || '');
      return c;
    } catch (e) {
      if (e.status === 404) { setText('{\n  "autoperf": {}\n}'); setName(''); return null; }
      throw e;
    }
  }, [scope]);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    let data;
    try {
      data = JSON.parse(text);
    } catch (err) {
      setError({ message: 'not valid JSON: ' + err.message, field: 'config_data' });
      return;
    }
    try {
      await put(path, name ? { config_name: name, config_data: data } : { config_data: data });
      setNotice('Saved; devices pick it up at their next check-in.');
      current.reload();
    } catch (err) { setError(err); }
  };
  const remove = async () => {
    setError(null);
    try { await del(path); setNotice('Deleted.'); current.reload(); } catch (err) { setError(err); }
  };
  return html`<h2>Agent configuration</h2>
    <p class="muted">A JSON document with <code>target_server</code> and <code>autoperf</code> as the agent's
      configuration writes them; the manager checks it with the agent's own rules and names every problem.</p>
    <form class="config-form" onSubmit=${save}>
      <label for="config-scope">Applies to</label>
      <select id="config-scope" value=${scope} onChange=${(e) => setScope(e.target.value)}>
        ${isGlobalAdmin(user) && html`<option value="default">default (every device)</option>`}
        ${ous.map((o) => html`<option value=${o.id}>OU ${o.name}</option>`)}
      </select>
      <label for="config-name">Name</label>
      <input id="config-name" value=${name} onInput=${(e) => setName(e.target.value)} />
      <label for="config-text">Document (JSON)</label>
      <textarea id="config-text" rows="18" spellcheck="false" class="mono" value=${text}
                onInput=${(e) => setText(e.target.value)} aria-describedby="config-status"></textarea>
      <div id="config-status">
        <${ErrorBox} error=${error || current.error} />
        ${notice && html`<p class="notice" role="status">${notice}</p>`}
        ${current.data && html`<p class="muted">Last changed ${fmt.time(current.data.updated_at)}.</p>`}
      </div>
      <div class="row"><button type="submit">Save</button>
        ${current.data && html`<button type="button" class="secondary" onClick=${remove}>Delete</button>`}</div>
    </form>`;
}

function Audit() {
  const [action, setAction] = useState('');
  const [filter, setFilter] = useState('');
  const [pages, setPages] = useState([undefined]);
  const before = pages[pages.length - 1];
  const list = useLoad(() => get('/api/v1/audit' + query({ limit: 50, action: filter, before })), [filter, before]);
  return html`<h2>Audit log</h2>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); setPages([undefined]); setFilter(action); }}>
      <div><label for="audit-action">Action (e.g. user.*)</label>
        <input id="audit-action" value=${action} onInput=${(e) => setAction(e.target.value)} /></div>
      <div class="filter-actions"><button type="submit">Filter</button></div>
    </form>
    <${ErrorBox} error=${list.error} />
    ${list.loading ? html`<${Loading} what="audit log" />` : list.data && html`<div class="table-wrap"><table data-testid="audit">
      <thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Address</th><th scope="col">Action</th>
        <th scope="col">Target</th><th scope="col">Details</th></tr></thead>
      <tbody>${list.data.entries.map((a) => html`<tr><td>${fmt.time(a.time)}</td><td>${a.actor || '—'}</td>
        <td>${a.client_address || '—'}</td><td>${a.action}</td><td>${a.target_type} ${a.target || a.target_id || ''}</td>
        <td class="mono small">${a.details ? JSON.stringify(a.details) : ''}</td></tr>`)}</tbody></table></div>
      <div class="pager">
        <button type="button" class="secondary" disabled=${pages.length === 1} onClick=${() => setPages(pages.slice(0, -1))}>Newer</button>
        <button type="button" class="secondary" disabled=${!list.data.next_before} onClick=${() => setPages([...pages, list.data.next_before])}>Older</button>
      </div>`}`;
}
