// Copies the runtime packages of the sample app (and their dependencies, as installed by `npm ci` from
// package-lock.json) into <out>/node_modules. Used by the Dockerfile: `node runtime-deps.js <out>`.
const fs = require('node:fs');
const path = require('node:path');

const ROOTS = ['rocketmq-client-nodejs', 'prom-client'];
const out = path.resolve(process.argv[2]);
const root = process.cwd();

/** Node's lookup: <from>/node_modules/<name>, then each parent's. */
function locate(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}

const seen = new Set();
const queue = ROOTS.map((name) => ({ name, from: root, optional: false }));
while (queue.length > 0) {
  const { name, from, optional } = queue.shift();
  const dir = locate(name, from);
  if (dir === undefined) {
    if (optional) continue; // another platform's prebuilt binary
    throw new Error(`cannot find ${name} from ${from}`);
  }
  if (seen.has(dir)) continue;
  seen.add(dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {}))
    queue.push({ name: dep, from: dir, optional: false });
  for (const dep of Object.keys(manifest.optionalDependencies ?? {}))
    queue.push({ name: dep, from: dir, optional: true });
}
for (const dir of seen) {
  const target = path.join(out, path.relative(root, dir));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(dir, target, { recursive: true, dereference: true });
}
console.log(`copied ${seen.size} packages to ${out}`);
