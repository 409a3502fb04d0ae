import type { LiveState, NamedEvent } from './liveView.ts';

/** `<script>` content: JSON with `<` escaped, so no string in it can close the tag. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header .stat{font-size:13px;opacity:.85}header .stat b{font-size:16px}
main{padding:16px 24px;max-width:1200px}
#error{background:#fdecea;border:1px solid #e0645a;color:#7a1c14;padding:10px 14px;border-radius:6px;margin-bottom:16px;white-space:pre-wrap;overflow-wrap:anywhere}
#error[hidden]{display:none}
.flag{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px;margin-bottom:14px}
.flag h3{margin:0 0 6px;font-size:15px}.flag h3 .badge{font-size:11px;font-weight:normal;border-radius:10px;padding:1px 8px;margin-left:8px;background:#e3f5e8;color:#1b6b34}
.flag.disabled h3 .badge{background:#eee;color:#666}
.rule{margin:8px 0 4px;padding-left:10px;border-left:3px solid #7a8bd8}
.rule .text{margin-bottom:4px}.fallback{color:#555;font-style:italic;margin-top:6px}
.bar{display:grid;grid-template-columns:180px 1fr 230px;gap:8px;align-items:center;font-size:13px;margin:2px 0}
.track{position:relative;height:14px;background:#eef0f4;border-radius:3px;overflow:hidden}
.fill{position:absolute;left:0;top:0;bottom:0;background:#5b6fd6}
.target{position:absolute;top:-2px;bottom:-2px;width:2px;background:#e0645a}
.conv{font-size:12px;color:#444;margin:2px 0 2px 188px}
table{border-collapse:collapse;width:100%;table-layout:fixed;background:#fff}
td,th{border:1px solid #dde1e7;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
#events th:nth-child(1){width:90px}#events th:nth-child(2){width:200px}
details pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:11px;margin:4px 0;background:#f5f6f8;padding:4px}
summary{cursor:pointer}code{font-size:13px}.muted{color:#777;font-size:12px}
`;

/** The page's script: renders the state and the events, and keeps them current over `/_events`. */
const SCRIPT = `
const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
const pct = (n) => (Math.round(n * 10) / 10) + ' %';
function renderState(s) {
  document.getElementById('visitors').textContent = s.visitors;
  document.getElementById('eventCount').textContent = s.events;
  const goalName = Object.fromEntries(s.goals.map((g) => [g.goalId, g.name]));
  const goals = s.goals.map((g) => esc(g.name) + ': ' + g.conversions + ' conversion(s) by ' + g.visitors + ' visitor(s)' + (g.revenue ? ', revenue ' + g.revenue : '')).join(' · ');
  document.getElementById('goals').innerHTML = goals || '<span class="muted">no conversion yet</span>';
  const error = document.getElementById('error');
  if (s.error) {
    error.hidden = false;
    error.innerHTML = '<b>The last edit was not loaded' + (s.error.line ? ' (line ' + s.error.line + (s.error.column ? ', column ' + s.error.column : '') + ')' : '') + '</b>: the flags below are the previous ones.\\n' + esc(s.error.message);
  } else {
    error.hidden = true;
    error.textContent = '';
  }
  document.getElementById('flags').innerHTML = s.flags.map((f) => {
    const rules = f.rules.map((r) => {
      const total = r.split.reduce((n, v) => n + v.visitors, 0);
      const bars = r.split.map((v) => {
        const share = total ? (100 * v.visitors) / total : 0;
        const conv = Object.entries(v.conversions).map(([goal, c]) => esc(goalName[goal] ?? 'goal ' + goal) + ': ' + c.visitors + ' converted, ' + pct(100 * c.rate)).join(' · ');
        return '<div class="bar" data-variation="' + esc(v.variationKey) + '" data-visitors="' + v.visitors + '" data-exposures="' + v.exposures + '">'
          + '<span><code>' + esc(v.variationKey) + '</code>' + (v.name !== v.variationKey ? ' ' + esc(v.name) : '') + '</span>'
          + '<span class="track" title="configured ' + v.percent + ' %"><span class="fill" style="width:' + share + '%"></span><span class="target" style="left:' + v.percent + '%"></span></span>'
          + '<span><b class="visitors">' + v.visitors + '</b> visitor(s) (' + pct(share) + ', configured ' + v.percent + ' %) · ' + v.exposures + ' exposure(s)</span></div>'
          + (conv && v.visitors ? '<div class="conv">' + conv + '</div>' : '');
      }).join('');
      return '<div class="rule" data-rule="' + r.position + '"><div class="text">Rule ' + r.position + ' (' + r.type + '): <span class="words">' + esc(r.text) + '</span></div>' + bars + '</div>';
    }).join('');
    return '<section class="flag' + (f.enabled ? '' : ' disabled') + '" data-flag="' + esc(f.key) + '"><h3><code>' + esc(f.key) + '</code><span class="badge">' + (f.enabled ? 'enabled' : 'disabled') + '</span></h3>'
      + '<div class="muted">variations: ' + f.variations.map((v) => esc(v.key) + (v.name !== v.key ? ' (' + esc(v.name) + ')' : '')).join(', ') + '</div>'
      + rules + '<div class="fallback">' + esc(f.fallback) + '</div></section>';
  }).join('') || '<p class="muted">No flag in the file.</p>';
}
const body = document.querySelector('#events tbody');
function addEvents(list) {
  for (const e of list) {
    const row = document.createElement('tr');
    row.dataset.type = e.eventType;
    row.innerHTML = '<td>' + new Date(e.time).toLocaleTimeString() + '</td><td><code>' + esc(e.visitorCode) + '</code></td><td><span class="summary">' + esc(e.summary) + '</span>'
      + '<details><summary class="muted">raw</summary><pre>' + esc(e.line) + '</pre></details></td>';
    body.prepend(row);
  }
  while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
}
renderState(initialState);
addEvents(initialEvents);
const stream = new EventSource('/_events');
stream.addEventListener('state', (m) => renderState(JSON.parse(m.data)));
stream.addEventListener('events', (m) => addEvents(JSON.parse(m.data)));
stream.addEventListener('open', () => { document.body.dataset.live = 'true'; });
`;

/**
 * The dev server's page: the flags with their rules in words and the counts of what was tracked
 * (exposures per variation against the configured split, conversions per goal), the events named,
 * and the last reload's error. The server pushes `state` and `events` over `/_events`: the page
 * never reloads.
 */
export function indexPage(state: LiveState, events: readonly NamedEvent[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kameleoon-ts dev server</title><link rel="icon" href="data:,">
<style>${STYLE}</style>
</head><body>
<header><h1>kameleoon-ts dev server</h1>
<span class="stat"><b id="visitors">0</b> visitor(s) seen</span><span class="stat"><b id="eventCount">0</b> event(s)</span>
<span class="stat" id="goals"></span></header>
<main>
<div id="error" role="alert" hidden></div>
<p class="muted">Point the SDK's <code>configuration.endpoints</code> (configuration, realTime, tracking, dataApi, api) at this origin. Edit the flags file: this page and the SDKs connected to the stream update within a second. Bars: the share of the visitors exposed to each variation; the red mark is the configured split.</p>
<h2>Flags</h2>
<div id="flags"></div>
<h2>Events</h2>
<p class="muted">Newest first, one row per line received (a line sent again under the same nonce is recorded once); the raw line is under "raw". Browsers add a "visitor details" line (browser, OS, device) when they track a visitor, and every 15 s while a page is open.</p>
<table id="events"><thead><tr><th>time</th><th>visitor</th><th>event</th></tr></thead><tbody></tbody></table>
</main>
<script>
const initialState = ${scriptJson(state)};
const initialEvents = ${scriptJson(events)};
${SCRIPT}
</script>
</body></html>`;
}
