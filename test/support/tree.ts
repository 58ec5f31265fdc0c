// A folder's whole content as { relative path: sha256 } (hidden files and folders included), to
// prove a build touched nothing it should not. Symlinks are recorded by target, FIFOs and devices
// by kind, so a folder holding them can be hashed too.
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

export async function treeHashes(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const key = path.relative(root, full);
      if (entry.isDirectory()) {
        result[`${key}/`] = 'dir';
        await walk(full);
      } else if (entry.isSymbolicLink()) result[key] = `symlink -> ${await readlink(full)}`;
      // A FIFO or device is named, never read (reading a FIFO would block the test).
      else if (!entry.isFile()) result[key] = 'special';
      else result[key] = createHash('sha256').update(await readFile(full)).digest('hex');
    }
  };
  await walk(root);
  return result;
}

/** The entries of `before` that are not shenbao's (not named in `ownNames`), and how they stand now. */
export function foreignChanges(before: Record<string, string>, after: Record<string, string>, isOwn: (key: string) => boolean): string[] {
  return Object.keys(before)
    .filter((key) => !isOwn(key))
    .filter((key) => after[key] !== before[key])
    .map((key) => `${key}: ${before[key]} -> ${after[key] ?? 'missing'}`);
}
