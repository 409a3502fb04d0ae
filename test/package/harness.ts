/**
 * The package as users get it: `npm run build`, `npm pack`, and consumer projects in the temporary
 * directory with the tarball unpacked as `node_modules/kameleoon-ts`, exactly where and how npm
 * puts it. Shared by package.test.ts and updateApi.ts.
 *
 * Tests may not reach the registry (nor any network): the package's dependencies and the
 * consumers' tooling are symlinked from this repository's node_modules instead of installed.
 * Node and TypeScript both follow a symlink to its real path, so a linked package finds its own
 * dependencies (react-dom's scheduler, next's helpers) in the repository's node_modules too, and
 * react is one module instance for the package, the consumer and zustand.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const HERE = fileURLToPath(new URL('./', import.meta.url));
export const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/** The package's runtime dependencies and every consumer's tooling, linked into each project. */
export const LINKED = [
  ...Object.keys(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).dependencies as Record<string, string>),
  'typescript',
  'react',
  'react-dom',
  '@types/react',
  '@types/react-dom',
  '@types/node',
  'next',
  // The types the adapters' declarations import (and what README examples of them use).
  '@openfeature/core',
  '@openfeature/server-sdk',
  '@openfeature/web-sdk',
  '@openfeature/react-sdk',
  'flags',
  // kameleoon-ts/redis's optional peer dependency.
  'ioredis',
];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end (killed after `timeoutMs`); never rejects: the caller checks `code`. */
export function run(file: string, args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd ?? REPO, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: performance.now() - start });
      },
    );
  });
}

/** A failed command's exit code and output, for an assertion message. */
export function describeRun(what: string, result: RunResult): string {
  return `${what} exited with ${result.code} after ${Math.round(result.ms)} ms\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

export interface Packed {
  /** The .tgz that `npm pack` wrote. */
  tarball: string;
  /** The temporary directory holding it and every consumer project; removed by `dispose()`. */
  root: string;
  buildMs: number;
  packMs: number;
  dispose(): void;
}

/**
 * The environment of a release build: this process's without vitest's variables. Under vitest
 * NODE_ENV is `test`, and Vite then compiles JSX for React's development runtime
 * (`react/jsx-dev-runtime`, which the build does not keep external): dist/react.js would bundle
 * React's CommonJS dev runtime and fail to import in Node.js (`Calling require for "react"`).
 */
function releaseEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'TEST') delete env[name];
  return env;
}

/** Where a process holding the repository's dist/ (building and packing it) writes its pid. */
const BUILD_LOCK = join(REPO, 'node_modules/.cache/kameleoon-ts-build.lock');

/**
 * Runs `work` while no other process of this repository builds into dist/: two `npm test` runs
 * side by side would otherwise pack a dist/ the other is rewriting. A lock left by a process that
 * is gone is taken over.
 */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(BUILD_LOCK), { recursive: true });
  for (;;) {
    try {
      writeFileSync(BUILD_LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(BUILD_LOCK, { encoding: 'utf8', flag: 'a+' }));
      if (!alive(holder)) rmSync(BUILD_LOCK, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100)); // the holder's build takes seconds
    }
  }
  try {
    return await work();
  } finally {
    rmSync(BUILD_LOCK, { force: true });
  }
}

/** Whether a process with this pid runs (a lock file being written reads as no pid: not taken over). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds the package (`npm run build`) and packs it into a new temporary directory. */
export async function buildAndPack(): Promise<Packed> {
  const root = mkdtempSync(join(tmpdir(), 'kameleoon-ts-package-'));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  try {
    const { build, pack } = await withBuildLock(async () => {
      const build = await run('npm', ['run', 'build'], { timeoutMs: 180_000, env: releaseEnvironment() });
      if (build.code !== 0) throw new Error(describeRun('npm run build', build));
      const pack = await run('npm', ['pack', '--json', '--pack-destination', root], { timeoutMs: 60_000 });
      if (pack.code !== 0) throw new Error(describeRun('npm pack', pack));
      return { build, pack };
    });
    const [{ filename }] = JSON.parse(pack.stdout) as { filename: string }[];
    return { tarball: join(root, filename), root, buildMs: build.ms, packMs: pack.ms, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** `<nodeModules>/<name>` for each linked package, pointing at the repository's copy. */
export function linkDependencies(nodeModules: string): void {
  for (const name of LINKED) {
    const target = join(nodeModules, name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', name), target, 'dir');
  }
}

/** Unpacks the tarball as npm does: its single top folder, `package/`, becomes `destination`. */
export async function unpack(packed: Packed, destination: string): Promise<void> {
  const scratch = mkdtempSync(join(packed.root, 'unpack-'));
  const tar = await run('tar', ['-xzf', packed.tarball, '-C', scratch]);
  if (tar.code !== 0) throw new Error(describeRun('tar', tar));
  if (readdirSync(scratch).join() !== 'package') throw new Error(`the tarball's top level is ${readdirSync(scratch).join(', ')}, not package/`);
  mkdirSync(dirname(destination), { recursive: true });
  renameSync(join(scratch, 'package'), destination);
  rmSync(scratch, { recursive: true });
}

/**
 * A consumer project in `<root>/<name>`: the committed files of `consumers/<name>` copied, then
 * those of each `consumers/<shared>` into its `src/`, the tarball unpacked as
 * `node_modules/kameleoon-ts`, and the linked packages beside it.
 */
export async function createProject(packed: Packed, name: string, shared: string[] = []): Promise<string> {
  const project = join(packed.root, name);
  cpSync(join(HERE, 'consumers', name), project, { recursive: true });
  for (const folder of shared) cpSync(join(HERE, 'consumers', folder), join(project, 'src'), { recursive: true });
  await unpack(packed, join(project, 'node_modules/kameleoon-ts'));
  linkDependencies(join(project, 'node_modules'));
  return project;
}

export interface Diagnostic {
  /** Path relative to the project. */
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

/**
 * Diagnostics of `tsc --pretty false` output: `file(line,col): error TS1234: message`, a
 * message's further lines indented below it.
 */
export function parseDiagnostics(output: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match) diagnostics.push({ file: match[1], line: Number(match[2]), column: Number(match[3]), code: match[4], message: match[5] });
    else if (line.startsWith(' ') && diagnostics.length > 0) diagnostics[diagnostics.length - 1].message += `\n${line}`;
    else if (/error TS\d+/.test(line)) diagnostics.push({ file: '', line: 0, column: 0, code: /TS\d+/.exec(line)![0], message: line });
  }
  return diagnostics;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}(${d.line},${d.column}): ${d.code}: ${d.message}`;
}

/** Type-checks (and, where the project says so, emits) a project with the repository's TypeScript. */
export async function typeCheck(project: string): Promise<{ result: RunResult; diagnostics: Diagnostic[] }> {
  const result = await run(process.execPath, [TSC, '-p', project, '--pretty', 'false'], { cwd: project, timeoutMs: 120_000 });
  return { result, diagnostics: parseDiagnostics(result.stdout) };
}

/** Runs at most `slots` tasks at a time (2 cores: more would only make each slower). */
export function limiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its slot to the next waiting one directly.
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
