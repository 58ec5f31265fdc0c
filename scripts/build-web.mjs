// The page of `shenbao serve` (src/serve/web/) bundled for the browser: esbuild makes one ES module
// of its TypeScript and of pdf.js, and pdf.js's worker is copied beside it. The server serves only
// these files (src/serve/assets.ts); nothing is fetched from the internet. Run by `npm run build`,
// `prepare` and `npm test` after tsc.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/serve/web/`;
const require = createRequire(import.meta.url);

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}src/serve/web/main.ts`],
  outfile: `${out}app.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Debian's Chromium and current Edge, Chrome and Firefox; pdf.js 5 needs as much.
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(`${root}src/serve/web/app.css`, `${out}app.css`);
copyFileSync(require.resolve('pdfjs-dist/build/pdf.worker.min.mjs'), `${out}pdf.worker.min.mjs`);
