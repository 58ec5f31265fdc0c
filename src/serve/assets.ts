// The page's own files (scripts/build-web.mjs writes them into dist/serve/web/): served by name
// from a fixed list, so no request can name any other file.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';

// From src/serve (tests) and dist/serve (the command) alike: the bundle is always in dist/.
const WEB_DIR = fileURLToPath(new URL('../../dist/serve/web/', import.meta.url));

const ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'pdf.worker.min.mjs': 'text/javascript; charset=utf-8',
};

const loaded = new Map<string, Buffer>();

/** The asset's bytes and type, or undefined for a name not on the list. */
export async function asset(name: string): Promise<{ bytes: Buffer; type: string } | undefined> {
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (type === undefined) return undefined;
  let bytes = loaded.get(name);
  if (!bytes) {
    bytes = await readFile(WEB_DIR + name).catch(() => {
      throw new UserError(`页面的文件 ${name} 不在 ${WEB_DIR}：请先运行 npm run build`);
    });
    loaded.set(name, bytes);
  }
  return { bytes, type };
}
