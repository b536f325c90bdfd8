// @ts-check
/**
 * Test-only preload (`tsx --require tests/synth/fs-fault.cjs infra/synth/cli.ts ...`): interrupts the first
 * fs.renameSync whose destination is FS_FAULT_RENAME_TO, i.e. a publish between the two renames of one
 * environment folder. FS_FAULT_MODE=throw fails it with EIO (the process lives on and can roll back);
 * FS_FAULT_MODE=kill ends the process with SIGKILL there, as a crash or `kill -9` would. CommonJS because node
 * loads it before tsx can compile TypeScript (and again in tsx's loader thread, where it patches nothing used).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const target = process.env.FS_FAULT_RENAME_TO;
const mode = process.env.FS_FAULT_MODE;
if (target !== undefined && target !== '') {
  const rename = fs.renameSync;
  let fired = false;
  fs.renameSync = function renameSync(from, to) {
    if (!fired && path.resolve(String(to)) === target) {
      fired = true;
      if (mode === 'kill') {
        process.kill(process.pid, 'SIGKILL');
        // SIGKILL to oneself is delivered at once; never run on past this point.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
      }
      throw Object.assign(new Error(`EIO: injected failure, rename '${String(from)}' -> '${String(to)}'`), {
        code: 'EIO',
      });
    }
    return rename.call(fs, from, to);
  };
}
