/**
 * The webServer (scripts/e2e-server.js) stops the server and deletes its temp directory on
 * SIGTERM. A run that was killed harder leaves /tmp/cunpin-e2e-<pid>-*; sweep those whose
 * process is gone, so repeated local runs do not fill the disk.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function sweepStaleRunDirs(): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    const m = /^cunpin-e2e-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
  }
}

export default async function globalTeardown(): Promise<void> {
  sweepStaleRunDirs();
}
