// Builds the browser UI into dist/: one JavaScript bundle and one style
// sheet with content hashes in their names (served as immutable), and
// index.html naming them (served revalidated). Prints each asset's size,
// raw and gzip-compressed.
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// Built beside, then swapped in, so that a server starting meanwhile finds
// the old build or the new one, never half of one.
const final = join(root, 'dist');
const staging = join(root, 'dist.new');
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: 'src/main.tsx' },
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: 'assets/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  outdir: staging,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => p.replace(/^dist\.new\//, ''));
const script = outputs.find((p) => p.endsWith('.js'));
const style = outputs.find((p) => p.endsWith('.css'));
if (!script || !style) throw new Error(`build made no script or style sheet: ${outputs.join(', ')}`);

const html = readFileSync(join(root, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', `/${script}`)
  .replace('%STYLE%', `/${style}`);
writeFileSync(join(staging, 'index.html'), html);
cpSync(join(root, 'public'), staging, { recursive: true });

const old = join(root, 'dist.old');
rmSync(old, { recursive: true, force: true });
if (existsSync(final)) renameSync(final, old);
renameSync(staging, final);
rmSync(old, { recursive: true, force: true });

for (const p of outputs.filter((p) => !p.endsWith('.map'))) {
  const bytes = readFileSync(join(final, p));
  console.log(`${basename(p).padEnd(28)} ${String(bytes.length).padStart(8)} B  gzip ${gzipSync(bytes).length} B`);
}
