/**
 * The migration apps as a user installs and runs them: each app's folder copied into a project
 * of the packed tarball's temporary directory (without the official forms, `*.official`), the tarball
 * unpacked as `node_modules/kameleoon-ts` and the other packages linked (test/package/harness.ts),
 * then `next build` + `next start`, or `node server.mjs`, as child processes on 127.0.0.1.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../demo/nextServer.ts';
import { describeRun, linkDependencies, run, unpack, type Packed } from '../package/harness.ts';
import { startChildServer, type ChildServer } from '../support/childServer.ts';

/** The apps' folders, each a project of its own. */
export const APPS_DIR = fileURLToPath(new URL('./apps/', import.meta.url));

/**
 * The `<root>/<name>` project of `apps/<name>`: its files without the `*.official` ones (the
 * official forms, kept for officialForm.test.ts), the tarball unpacked, the dependencies linked.
 */
export async function createAppProject(packed: Packed, name: string): Promise<string> {
  const project = join(packed.root, name);
  cpSync(join(APPS_DIR, name), project, { recursive: true, filter: (source) => !source.endsWith('.official') });
  await unpack(packed, join(project, 'node_modules/kameleoon-ts'));
  linkDependencies(join(project, 'node_modules'));
  return project;
}

/**
 * A child's environment: no telemetry, and nothing of vitest's (`NODE_ENV=test` would make
 * `next build` and `next start` run React's development build).
 */
export function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
  for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'TEST') delete env[name];
  return env as NodeJS.ProcessEnv;
}

/**
 * `next build` in `project`, with the project's own `next` (node_modules/next, as `npx next` finds it).
 * @returns what it wrote on stderr, line by line
 * @throws Error with its output when it fails
 */
export async function nextBuild(project: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await run(process.execPath, [join(project, 'node_modules/next/dist/bin/next'), 'build'], { cwd: project, env, timeoutMs: 240_000 });
  if (result.code !== 0) throw new Error(describeRun('next build', result));
  return result.stderr.split('\n').filter((line) => line.trim() !== '');
}

/** A running app server (see startChildServer). */
export type AppServer = ChildServer;

/**
 * Starts `node <args>` in `cwd` and resolves once a line of its output matches `ready`: the origin is `url(match)`.
 * @throws Error with the output when the process exits or `timeoutMs` passes first (see startChildServer)
 */
export function startNode(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; url: (match: RegExpExecArray) => string; timeoutMs?: number }): Promise<AppServer> {
  return startChildServer(process.execPath, args, options);
}

/** `next start` of a built project on a free port of 127.0.0.1 (another one when it was taken meanwhile). */
export async function nextStart(project: string, env: NodeJS.ProcessEnv): Promise<AppServer> {
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    try {
      return await startNode([join(project, 'node_modules/next/dist/bin/next'), 'start', '--hostname', '127.0.0.1', '--port', String(port)], {
        cwd: project,
        env,
        ready: /\bReady in\b/,
        url: () => `http://127.0.0.1:${port}`,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || tries >= 5) throw error;
    }
  }
}
