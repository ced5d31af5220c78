// Profile: who I am, password change, API key (shown once) and MFA setup with the QR code.

import { html, useState } from '../lib.js';
import { get, post } from '../api.js';
import { ErrorBox, useLoad } from '../components.js';

export function Profile({ user, mfaOnly }) {
  const me = useLoad(() => get('/api/v1/auth/me'), []);
  const info = me.data || user;
  return html`<section>
    <h1 tabindex="-1">Profile</h1>
    ${mfaOnly && html`<p class="notice" role="alert">Your role requires MFA: set it up to continue.</p>`}
    <dl class="facts"><dt>User</dt><dd>${info.username}</dd><dt>Role</dt><dd>${info.role}</dd>
      ${info.email && html`<dt>E-mail</dt><dd>${info.email}</dd>`}
      <dt>MFA</dt><dd data-testid="mfa-state">${info.mfa_enabled ? 'on' : 'off'}</dd></dl>
    <${Mfa} enabled=${info.mfa_enabled} onChange=${() => (mfaOnly ? location.reload() : me.reload())} />
    ${!mfaOnly && html`<${ApiKey} user=${info} /><${Password} />`}
  </section>`;
}

function Mfa({ enabled, onChange }) {
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setError(null);
    try { await fn(); } catch (e) { setError(e); }
  };
  if (enabled) {
    return html`<h2>Multi-factor authentication</h2>
      <form class="form-grid" onSubmit=${(e) => { e.preventDefault(); run(async () => { await post('/api/v1/auth/mfa/disable', { password }); setPassword(''); onChange(); }); }}>
        <label for="mfa-disable-password">Password, to turn MFA off</label>
        <input id="mfa-disable-password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} />
        <div></div><button type="submit" class="secondary">Turn MFA off</button>
      </form><${ErrorBox} error=${error} />`;
  }
  return html`<h2>Multi-factor authentication</h2>
    ${!setup ? html`<p><button type="button" onClick=${() => run(async () => setSetup(await post('/api/v1/auth/mfa/setup')))}>Set up MFA</button></p>`
      : html`<div class="mfa-setup">
        <img src=${setup.qr_code} alt=${'QR code of ' + setup.otpauth_uri} width="200" height="200" data-testid="mfa-qr" />
        <div><p>Scan the code with an authenticator app, or type in the secret:</p>
          <label for="mfa-secret">Secret</label>
          <input id="mfa-secret" readonly class="mono" value=${setup.secret} data-testid="mfa-secret" />
          <form class="form-grid" onSubmit=${(e) => { e.preventDefault(); run(async () => { await post('/api/v1/auth/mfa/verify', { code: code.trim() }); setSetup(null); setCode(''); onChange(); }); }}>
            <label for="mfa-verify-code">Code from the app</label>
            <input id="mfa-verify-code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required value=${code} onInput=${(e) => setCode(e.target.value)} />
            <div></div><button type="submit">Verify and turn on</button>
          </form></div></div>`}
    <${ErrorBox} error=${error} />`;
}

function ApiKey({ user }) {
  const [key, setKey] = useState(null);
  const [error, setError] = useState(null);
  const regenerate = async () => {
    setError(null);
    try { setKey((await post(`/api/v1/users/${user.id}/api-key`)).api_key); } catch (e) { setError(e); }
  };
  return html`<h2>API key</h2>
    <p class="muted">For scripts and agents. A new key replaces the old one at once; it is shown only here, only now.</p>
    <p><button type="button" onClick=${regenerate}>Make a new API key</button></p>
    ${key && html`<div class="notice" role="status"><label for="api-key">Your new API key (copy it now)</label>
      <input id="api-key" readonly class="mono" value=${key} data-testid="api-key" onFocus=${(e) => e.target.select()} /></div>`}
    <${ErrorBox} error=${error} />`;
}

function Password() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/v1/auth/change-password', { current_password: current, new_password: next });
      location.reload(); // every session ended with the change: log in again
    } catch (err) { setError(err); }
  };
  return html`<h2>Password</h2>
    <form class="form-grid" onSubmit=${submit}>
      <label for="pw-current">Current password</label>
      <input id="pw-current" type="password" autocomplete="current-password" required value=${current} onInput=${(e) => setCurrent(e.target.value)} />
      <label for="pw-new">New password (12 characters or more)</label>
      <input id="pw-new" type="password" autocomplete="new-password" minlength="12" required value=${next} onInput=${(e) => setNext(e.target.value)} />
      <div></div><button type="submit">Change password</button>
    </form><${ErrorBox} error=${error} />`;
}
