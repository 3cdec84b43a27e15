// Issue 14 §4: what N app processes over one SQLite file share, read by server.js on its own
// connection: the page caches' generations (bumped by core/events.ts with every change those
// pages show), the sweep lease (one process runs the background sweeps), and the cluster primary.
import cluster from "node:cluster";
import os from "node:os";
import Database from "better-sqlite3";

export function openSharedState(file) {
  const sqlite = new Database(file, { fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/**
 * Which caches another connection invalidated since the last poll. PRAGMA data_version only
 * moves when another connection (another process, or this process's app connection) committed
 * something, so the common case costs one cheap pragma and no table read.
 */
export function createGenerationWatch(sqlite) {
  const dataVersion = sqlite.prepare("pragma data_version").pluck();
  const generations = sqlite.prepare("select name, generation from cache_generations");
  let version = null;
  const seen = new Map();
  return {
    /** Names of the caches whose generation moved (all of them on the first call). */
    poll() {
      const v = dataVersion.get();
      if (v === version) return [];
      const first = version === null;
      version = v;
      const changed = [];
      for (const { name, generation } of generations.all()) {
        if (seen.get(name) !== generation) changed.push(name);
        seen.set(name, generation);
      }
      return first ? ["storefront", "trace"] : changed;
    },
  };
}

/**
 * A lease on a background job: true when this process holds it now (taken, renewed, or taken
 * over after the holder let it lapse). The holder renews at every run, so with N processes
 * the job runs in one of them; if that one dies, another takes over once the lease expires.
 */
export function createLease(sqlite, name, ttlMs, holder = `${os.hostname()}:${process.pid}`) {
  const take = sqlite.prepare(
    `insert into sweep_leases (name, holder, expires_at) values (?, ?, ?)
     on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
     where sweep_leases.holder = excluded.holder or sweep_leases.expires_at < ?`,
  );
  const release = sqlite.prepare("delete from sweep_leases where name = ? and holder = ?");
  return {
    holder,
    acquire(now = Date.now()) {
      return take.run(name, holder, now + ttlMs, now).changes === 1;
    },
    release() {
      try {
        release.run(name, holder);
      } catch {
        // closing down: the lease lapses by itself
      }
    },
  };
}

/**
 * The cluster primary for WEB_CONCURRENCY > 1: forks the app processes (they share the port),
 * replaces one that dies, and on SIGINT/SIGTERM stops them all (each flushes its scan counts)
 * before exiting. Never settles: server.js awaits it so that the primary runs no app code.
 */
export function runPrimary(workers, log) {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < workers; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, "app process exited; starting another");
    fork();
  });
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {});
      if (!alive.length) process.exit(0);
      for (const w of alive) w?.process.kill("SIGTERM");
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
  log.info({ workers }, `cluster primary ${process.pid}: ${workers} app processes`);
  return new Promise(() => {});
}
