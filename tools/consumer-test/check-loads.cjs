// `node check-loads.cjs <package>` in an app that installed the package: requires every compiled
// file of it (its bin excepted: that one runs the CLI, and the consumer test runs it as a command),
// then imports its entry from ESM. A module the package needs but does not declare fails here with
// "Cannot find module", whichever file needs it and however late the package would load that file.
// Prints `loaded <n> files` and exits 0, or prints each failure and exits 1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const name = process.argv[2];
const manifestPath = require.resolve(`${name}/package.json`, { paths: [process.cwd()] });
const dir = path.dirname(manifestPath);
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const bins = new Set(
  Object.values(
    typeof manifest.bin === 'string' ? { [name]: manifest.bin } : (manifest.bin ?? {}),
  ).map((bin) => path.join(dir, bin)),
);

function* jsFiles(folder) {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* jsFiles(full);
    else if (entry.name.endsWith('.js') && !bins.has(full)) yield full;
  }
}

async function main() {
  const failures = [];
  let loaded = 0;
  for (const file of jsFiles(path.join(dir, 'src'))) {
    try {
      require(file);
      loaded++;
    } catch (error) {
      failures.push(`${path.relative(dir, file)}: ${error.message.split('\n')[0]}`);
    }
  }
  try {
    const entry = await import(name);
    if (Object.keys(entry).length === 0) failures.push(`import('${name}') exports nothing`);
  } catch (error) {
    failures.push(`import('${name}'): ${error.message.split('\n')[0]}`);
  }
  process.stdout.write(
    failures.length === 0 ? `loaded ${loaded} files\n` : `${failures.join('\n')}\n`,
  );
  // A loaded module may hold a timer or a handle: its load is what is checked, not its shutdown.
  process.exit(failures.length === 0 ? 0 : 1);
}

void main();
