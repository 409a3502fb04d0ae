/**
 * `npx kameleoon-ts dev-server --config <file> [--port <n>] [--events <file>] [--data <file>]`:
 * a local Kameleoon-compatible server for offline development, demos and integration tests.
 */
import { parseArgs } from 'node:util';
import { startDevServer } from './devserver/server.ts';

const USAGE = `usage: kameleoon-ts dev-server --config <flags.yaml|config.json> [--port 8787] [--host 127.0.0.1] [--events events.jsonl] [--data remote-data.json]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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
