/**
 * A server started as a child process for the tests that run real apps (test/migration's apps,
 * test/edge's runtimes): in a process group of its own, killed if the test process exits first,
 * ready once a line of its output says so.
 */
import { spawn } from 'node:child_process';
import { killGroup } from '../../demo/nextServer.ts';

/** A running child server. */
export interface ChildServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every line the process wrote, `stdout: ` or `stderr: ` first. */
  output: string[];
  /** Lines written to stderr only. */
  stderr: string[];
  /** Ends the process group (SIGTERM, then SIGKILL after 3 s). */
  close(): Promise<void>;
}

/**
 * Starts `file args` in `cwd` and resolves once a line it writes (stdout or stderr) matches
 * `ready`: the origin is `url(match)`.
 * @throws Error with the output when the process exits or `timeoutMs` (default 30 s) passes
 * first; its `code` is EADDRINUSE when the output says the port was taken
 */
export function startChildServer(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; url: (match: RegExpExecArray) => string; timeoutMs?: number },
): Promise<ChildServer> {
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  void exited.then(() => process.removeListener('exit', onExit));
  const output: string[] = [];
  const stderr: string[] = [];
  const close = async () => {
    if (!killGroup(child, 'SIGTERM')) return;
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL');
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise<ChildServer>((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const text = output.join('\n');
      const error = new Error(`${file} ${args.join(' ')} ${why}:\n${text}`);
      if (/\bEADDRINUSE\b/.test(text)) Object.assign(error, { code: 'EADDRINUSE' });
      void close().then(() => reject(error));
    };
    const timer = setTimeout(() => fail(`did not say it was ready within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(`failed to start (${error.message})`));
    for (const [name, stream] of [['stdout', child.stdout], ['stderr', child.stderr]] as const) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          output.push(`${name}: ${line}`);
          if (name === 'stderr') stderr.push(line);
          const match = settled ? null : options.ready.exec(line);
          if (match) {
            settled = true;
            clearTimeout(timer);
            resolve({ url: options.url(match), output, stderr, close });
          }
        }
      });
    }
    void exited.then(() => fail(`exited (${child.exitCode ?? child.signalCode}) before it was ready`));
  });
}
