/** Real redis-servers (Debian's) for the fleet tests: on 127.0.0.1, free ports, no persistence; alone or as a Cluster. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server, which the test can stop and start again on the same port. */
export interface RedisServer {
  port: number;
  url: string;
  /** Stops it (SIGKILL: as a crash; nothing is kept, as nothing is persisted). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The options every node starts with: 127.0.0.1 only, and nothing written to disk. */
const BASE_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** Spawns redis-server with `args`; resolves once it accepts connections. */
function spawnRedis(args: string[], onSpawn: (proc: ChildProcess) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const proc = spawn('redis-server', [...args, ...BASE_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn(proc);
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
}

/** Kills a node (SIGKILL: as a crash) and waits for it to exit. */
async function kill(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

/** Starts redis-server on a free port of 127.0.0.1 (`--save '' --appendonly no`: no file is written). */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  process.once('exit', () => child?.kill('SIGKILL'));
  const start = () => spawnRedis(['--port', String(port)], (proc) => (child = proc));
  const stop = async () => {
    const proc = child;
    child = undefined;
    await kill(proc);
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}

/** A running Redis Cluster of three masters (no replicas), each a redis-server on 127.0.0.1. */
export interface RedisCluster {
  ports: number[];
  /** Stops every node and removes their cluster files. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster: three redis-server nodes with `--cluster-enabled yes` on free ports of
 * 127.0.0.1, their bus ports too (no persistence; the cluster's own node files in a temporary
 * folder, removed by `stop`), joined by `redis-cli --cluster create`, once every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'kameleoon-redis-cluster-'));
  // Each node's port, and its cluster bus port given explicitly (by default the port + 10000,
  // past 65535 for a high ephemeral port): six distinct ports free now.
  const free = new Set<number>();
  while (free.size < 6) free.add(await freePort());
  const [ports, busPorts] = [[...free].slice(0, 3), [...free].slice(3)];
  const nodes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.splice(0).map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  process.once('exit', () => nodes.forEach((proc) => proc.kill('SIGKILL')));
  try {
    await Promise.all(
      ports.map((port, i) =>
        spawnRedis(['--port', String(port), '--cluster-enabled', 'yes', '--cluster-port', String(busPorts[i]), '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir], (proc) => nodes.push(proc)),
      ),
    );
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must know the whole slot map before the first command.
    for (const port of ports) {
      const deadline = Date.now() + 15_000;
      while (!(await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error(`the Redis Cluster node on port ${port} never reached cluster_state:ok`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, stop };
}

/** Runs a command to its end; its standard output, or an error with both outputs. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`)) : resolve(stdout)));
  });
}
