// Login with the MFA step: a user with MFA gets {mfa_required: true} and is asked for the current code.

import { html, useEffect, useRef, useState } from '../lib.js';
import { post } from '../api.js';
import { ErrorBox } from '../components.js';

export function Login({ onLoggedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const codeInput = useRef(null);
  const userInput = useRef(null);

  useEffect(() => { userInput.current?.focus(); }, []);
  useEffect(() => { if (needCode) codeInput.current?.focus(); }, [needCode]);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { username, password };
      if (needCode) body.mfa_code = code.trim();
      const answer = await post('/api/v1/auth/web-login', body);
      onLoggedIn(answer.user, answer.mfa_setup_required === true);
    } catch (err) {
      if (err.body && err.body.mfa_required) {
        // the password was right; a missing code is no error, a wrong one is
        if (needCode) setError(err);
        setNeedCode(true);
        setCode('');
      } else {
        setError(err.status === 429 ? { message: 'Too many failed logins; wait a few minutes and try again.' } : err);
      }
    } finally {
      setBusy(false);
    }
  };

  return html`<main id="main" class="login">
    <form class="card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">WaddlePerf manager</h1>
      <label for="username">User name</label>
      <input id="username" name="username" autocomplete="username" required ref=${userInput}
             value=${username} onInput=${(e) => setUsername(e.target.value)} disabled=${needCode} />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required
             value=${password} onInput=${(e) => setPassword(e.target.value)} disabled=${needCode} />
      ${needCode && html`
        <label for="mfa-code">Authentication code</label>
        <input id="mfa-code" name="mfa_code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"
               maxlength="6" required ref=${codeInput} value=${code} onInput=${(e) => setCode(e.target.value)}
               aria-describedby="mfa-help" />
        <p id="mfa-help" class="muted">The 6-digit code your authenticator app shows for WaddlePerf.</p>`}
      <${ErrorBox} error=${error} />
      <button type="submit" disabled=${busy}>${needCode ? 'Verify and log in' : 'Log in'}</button>
      ${needCode && html`<button type="button" class="secondary"
        onClick=${() => { setNeedCode(false); setCode(''); setError(null); }}>Back</button>`}
    </form>
  </main>`;
}
