// A folder's whole content as { relative path: sha256 } (hidden files and folders included), to
// prove a build touched nothing it should not. Symlinks are recorded by target, FIFOs and devices
// by kind, so a folder holding them can be hashed too.
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';

const BIG = 64n * 1024n * 1024n;

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
      // A file past 64 MB (the tests' sparse giants, 250 MB–900 MB of zeros) by its size, inode and
      // change times to the nanosecond: any write moves them, and hashing it twice a test cost seconds.
      else {
        const info = await stat(full, { bigint: true });
        result[key] =
          info.size > BIG
            ? `size ${info.size} ino ${info.ino} mtime ${info.mtimeNs} ctime ${info.ctimeNs}`
            : createHash('sha256').update(await readFile(full)).digest('hex');
      }
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
