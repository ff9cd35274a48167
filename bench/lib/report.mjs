// Statistics and the Markdown table.

/** Linear-interpolated quantile of sorted numbers. */
function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** { n, median, p10, p90, min, max } of samples. */
export function summarize(samples) {
  const s = [...samples].filter(Number.isFinite).sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), min: s[0], max: s[s.length - 1] };
}

const sig = (x) => {
  if (x == null || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
};
const ratio = (v, base) => (Number.isFinite(v) && Number.isFinite(base) && base > 0 ? `×${sig(v / base)}` : '');
const KiB = (n) => n / 1024;

/**
 * Rows: [label, (figures) => number | null, (figures) => string (spread) | '', lowerIsBetter].
 */
const ROWS = [
  ['1. transfer, gzip -9 (KiB)', (f) => f.size && KiB(f.size.total.gzip)],
  ['1. transfer, brotli (KiB)', (f) => f.size && KiB(f.size.total.brotli)],
  ['1. transfer, raw minified (KiB)', (f) => f.size && KiB(f.size.total.raw)],
  ['2. load from memory: import + instantiate + construct (ms)', (f) => f.load?.median, (f) => f.load],
  ['2. load with transfer from localhost (ms)', (f) => f.loadTransfer?.median, (f) => f.loadTransfer],
  ['3. sign-in request (ms)', (f) => f.signIn?.median, (f) => f.signIn],
  ['4. callback, client-side (ms), stub server', (f) => f.callback?.median, (f) => f.callback],
  ['4. callback, client-side (ms), oidc-provider', (f) => f.callbackOp?.median, (f) => f.callbackOp],
  ['5. getToken(), cached (µs per call)', (f) => f.cachedRead?.median, (f) => f.cachedRead],
  ['6. forced refresh, client-side (ms)', (f) => f.refresh?.median, (f) => f.refresh],
  ['6. token requests for 50 concurrent getToken() on an expired token', (f) => f.concurrent?.tokenRequests],
  ['7. JS heap used after warm-up (KiB)', (f) => f.memory && KiB(f.memory.before.jsHeapUsed)],
  ['7. JS heap growth over 10,000 reads + 1,000 refreshes (KiB)', (f) => f.memory && KiB(f.memory.after.jsHeapUsed - f.memory.before.jsHeapUsed), null, false],
  ['7. wasm linear memory, before → after (KiB)', (f) => f.memory?.before.wasmMemory != null ? KiB(f.memory.before.wasmMemory) : null, null, false,
    (f) => f.memory?.before.wasmMemory != null ? `${sig(KiB(f.memory.before.wasmMemory))} → ${sig(KiB(f.memory.after.wasmMemory))}` : null],
];

export function renderTable(results, libs) {
  const ids = libs.map((l) => l.id);
  const base = results.libraries['wasm-oauth']?.figures ?? {};
  const head = ['figure (median [p10–p90], ×library/wasm-oauth)', ...libs.map((l) => `${l.label} ${results.versions[l.id] ?? ''}`.trim())];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const [label, get, spread, withRatio = true, custom] of ROWS) {
    const cells = ids.map((id) => {
      const f = results.libraries[id]?.figures ?? {};
      if (custom) return custom(f) ?? '–';
      const v = get(f);
      if (v == null || !Number.isFinite(v)) return '–';
      const s = spread?.(f);
      let cell = sig(v);
      if (s && Number.isFinite(s.p10)) cell += ` [${sig(s.p10)}–${sig(s.p90)}]`;
      if (withRatio && id !== 'wasm-oauth') {
        const r = ratio(v, get(base));
        if (r) cell += ` ${r}`;
      }
      return cell;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  const m = results.machine;
  const out = [
    '',
    lines.join('\n'),
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}${m.debian ? ` (Debian ${m.debian})` : ''}, Node ${m.node}, Chromium ${m.chromium} headless; load average (1, 5, 15 min) ${m.loadAverageAtStart?.join(' ')} at the start, ${m.loadAverageAtEnd?.join(' ')} at the end.`,
    `Repetitions: ${JSON.stringify(results.repetitions)}${results.quick ? ' (--quick)' : ''}.`,
  ];
  const floor = (s) => `${sig(s.median)} ms [${sig(s.p10)}–${sig(s.p90)}]`;
  if (results.baselineLoad?.memory?.n) {
    out.push(`Load floor, an empty module loaded the same ways: from memory ${floor(results.baselineLoad.memory)}, with transfer ${floor(results.baselineLoad.transfer)}.`);
  }
  const op = ids.map((id) => {
    const c = results.libraries[id]?.oidcProvider;
    if (!c) return null;
    const bad = Object.entries(c).filter(([, v]) => v !== 'ok');
    return `${id} ${bad.length ? `no (${bad.map(([k, v]) => `${k}: ${v}`).join('; ')})` : 'yes'}`;
  }).filter(Boolean);
  if (op.length) out.push(`Sign-in, callback, getToken() and forced refresh against oidc-provider: ${op.join('; ')}.`);
  const notes = ids.flatMap((id) => (results.libraries[id]?.notes ?? []).map((n) => `- ${id}: ${n}`));
  if (notes.length) out.push('', 'Notes:', ...notes);
  const conc = ids.map((id) => {
    const c = results.libraries[id]?.figures.concurrent;
    return c ? `${id} ${c.trials.map((t) => `${t.tokenRequests} req/${t.reusedRefreshTokens} reused/${t.distinctTokens} tokens`).join(', ')}` : null;
  }).filter(Boolean);
  if (conc.length) out.push('', `Concurrent getToken() trials (token requests / refresh tokens reused / distinct tokens returned): ${conc.join('; ')}.`);
  return `${out.join('\n')}\n`;
}
