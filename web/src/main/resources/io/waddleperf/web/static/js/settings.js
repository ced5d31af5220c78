// Speed test settings from the page's query string, so a run can be shortened or fixed without touching the UI
// (e.g. `/?duration=4&streams=2`); out-of-range values are reported, not silently clamped.

import { SPEED_DEFAULTS } from './measure.js';

/** Parameter name → [min, max, unit factor to ms or 1]. */
const PARAMS = {
  duration: [2, 60, 1000], // seconds per transfer phase
  dl_grace: [0, 10, 1000], // seconds of download warm-up discarded
  ul_grace: [0, 10, 1000], // seconds of upload warm-up discarded
  pings: [2, 100, 1],
  streams: [1, 6, 1],
};

export function speedSettings(search) {
  const query = new URLSearchParams(search);
  const problems = [];
  const value = (name) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return null;
    const [min, max, factor] = PARAMS[name];
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name} must be a number from ${min} to ${max}, got "${raw}"; using the default`);
      return null;
    }
    return n * factor;
  };
  const phaseMs = value('duration') ?? SPEED_DEFAULTS.phaseMs;
  // a default warm-up never takes more than half of a shortened phase, so `?duration=4` alone still measures
  const downloadGraceMs = value('dl_grace') ?? Math.min(SPEED_DEFAULTS.downloadGraceMs, phaseMs / 2);
  const uploadGraceMs = value('ul_grace') ?? Math.min(SPEED_DEFAULTS.uploadGraceMs, phaseMs / 2);
  for (const [name, graceMs] of [['dl_grace', downloadGraceMs], ['ul_grace', uploadGraceMs]]) {
    if (graceMs + 1000 > phaseMs) problems.push(`${name} must leave at least 1 s of the ${phaseMs / 1000} s phase`);
  }
  const streams = value('streams');
  return {
    phaseMs,
    downloadGraceMs,
    uploadGraceMs,
    pingCount: value('pings') ?? SPEED_DEFAULTS.pingCount,
    streams: streams === null ? 'auto' : String(Math.round(streams)),
    problems,
  };
}
