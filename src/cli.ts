/**
 * `npx kameleoon-ts dev-server --config <file> [--port <n>] [--events <file>] [--data <file>]`:
 * a local Kameleoon-compatible server for offline development, demos and integration tests.
 *
 * `npx kameleoon-ts message '<message>'`: the text of a message of the standard browser build's
 * production form (`kameleoon-ts #code value | value`), from the package's dist/messages.json.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDevServer } from './devserver/server.ts';

const USAGE = `usage: kameleoon-ts dev-server --config <flags.yaml|config.json> [--port 8787] [--host 127.0.0.1] [--events events.jsonl] [--data remote-data.json]
       kameleoon-ts message '<a production message: kameleoon-ts #code value | value>'`;

/** The text of a production-form message, its values put back; an explanation when unknown. */
function explain(message: string): { text: string; found: boolean } {
  const match = /#([0-9a-z]{6})(?: (.*))?$/s.exec(message.trim());
  if (!match) return { text: `Not a message code: expected "kameleoon-ts #<6 characters> [values]", got ${JSON.stringify(message)}.`, found: false };
  let table: Record<string, string>;
  try {
    table = JSON.parse(readFileSync(new URL('./messages.json', import.meta.url), 'utf8')) as Record<string, string>;
  } catch {
    return { text: 'This copy of kameleoon-ts has no message table (dist/messages.json): run the command of the installed package.', found: false };
  }
  const text = table[match[1]!];
  if (text === undefined) return { text: `Unknown message code ${match[1]}: it may belong to another version of kameleoon-ts.`, found: false };
  const values = match[2] === undefined ? [] : match[2].split(' | ');
  return { text: text.replace(/\{(\d+)\}/g, (whole, i: string) => values[Number(i)] ?? whole), found: true };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'message') {
    const { text, found } = explain(rest.join(' '));
    (found ? console.log : console.error)(text);
    return found ? 0 : 2;
  }
  if (command !== 'dev-server') {
    console.error(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { config: { type: 'string' }, port: { type: 'string', default: '8787' }, host: { type: 'string', default: '127.0.0.1' }, events: { type: 'string' }, data: { type: 'string' } },
  });
  if (!values.config) {
    console.error(`--config is required\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got ${values.port}`);
    return 2;
  }
  const server = await startDevServer({
    config: values.config,
    port,
    host: values.host,
    eventsFile: values.events,
    dataFile: values.data,
    log: (message) => console.log(`[dev-server] ${message}`),
  });
  console.log(`Kameleoon dev server: ${server.url}  (endpoints for the SDK: configuration, realTime, tracking, dataApi, api)`);
  console.log(`Live view of the flags, exposures, conversions and events: open ${server.url}/ in a browser.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
