import type { ConfigurationJson } from '../config/types.ts';
import type { RecordedEvent } from './events.ts';

const escape = (text: unknown): string =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `<script>` content: JSON with `<` escaped, so no string in it can close the tag. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

function flagRows(config: ConfigurationJson): string {
  return config.featureFlags
    .map((flag) => {
      const rules = (flag.rules ?? [])
        .map((r) => `${escape(r.type === 'TARGETED_DELIVERY' ? 'delivery' : 'experiment')} ${Math.round(Number(r.exposition) * 100)}%: ${(r.variationByExposition ?? []).map((v) => `${escape(v.variationKey)} ${Math.round(v.exposition * 100)}%`).join(', ')}`)
        .join('<br>');
      return `<tr><td><code>${escape(flag.featureKey)}</code></td><td>${flag.environmentEnabled ? 'on' : 'off'}</td><td>${(flag.variations ?? []).map((v) => escape(v.key)).join(', ')}</td><td>${rules || '—'}</td></tr>`;
    })
    .join('');
}

/**
 * The dev server's page: the flags served and the tracking events received, kept current over
 * the server's `/_events` stream (new events are prepended; a config change rebuilds the table).
 */
export function indexPage(config: ConfigurationJson, events: readonly RecordedEvent[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kameleoon-ts dev server</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}code{font-size:13px}#events td{font-family:monospace;font-size:12px}</style>
</head><body>
<h1>kameleoon-ts dev server</h1>
<p>Point the SDK's <code>endpoints</code> (configuration, realTime, tracking, dataApi, api) at <code>${escape('this origin')}</code>. Edit the config file: open pages update through the stream.</p>
<h2>Flags</h2>
<table><thead><tr><th>flag</th><th>enabled</th><th>variations</th><th>rules</th></tr></thead><tbody id="flags">${flagRows(config)}</tbody></table>
<h2>Events <small id="count">(${events.length})</small></h2>
<p>One row per line received, each with its own nonce (a line sent again under the same nonce is recorded once). Browsers add a <code>staticData</code> summary (browser, visit number, OS, device) each time they track a visitor with consent, and every 15 s while a page is open: within a visit, its rows look alike but for the nonce.</p>
<table id="events"><thead><tr><th>time</th><th>visitor</th><th>event</th><th>nonce</th><th>details</th></tr></thead><tbody></tbody></table>
<script>
const initial = ${scriptJson(events.slice(-200))};
const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
const body = document.querySelector('#events tbody');
let count = ${events.length};
function add(list) {
  for (const e of list) {
    const row = document.createElement('tr');
    row.innerHTML = '<td>' + new Date(e.time).toLocaleTimeString() + '</td><td>' + esc(e.visitorCode) + '</td><td>' + esc(e.eventType) + '</td><td>' + esc(e.nonce) + '</td><td>' + esc(JSON.stringify(e.params)) + '</td>';
    body.prepend(row);
  }
  count += list.length;
  document.getElementById('count').textContent = '(' + count + ')';
}
count -= initial.length;
add(initial);
const stream = new EventSource('/_events');
stream.addEventListener('events', (m) => add(JSON.parse(m.data)));
stream.addEventListener('config', () => location.reload());
</script>
</body></html>`;
}
