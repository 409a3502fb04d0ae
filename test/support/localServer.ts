/** Test HTTP servers on 127.0.0.1, and child scripts: the plumbing every such test shares. */
import { spawn } from 'node:child_process';

// The dev server's, shared: one way to listen on 127.0.0.1 and cut every connection on close.
export { listenLocally, type LocalServer } from '../../src/devserver/listen.ts';

/**
 * Runs a TypeScript script in a child Node process to its end; one that has not exited after
 * `killAfterMs` is killed (the caller's assertions then fail with its output).
 */
export async function runScript(script: URL, args: string[], killAfterMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, output };
}
