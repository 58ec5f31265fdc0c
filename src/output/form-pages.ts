// A form's placed pages, kept from making its own PDF until the 汇总表 draws them: packed, since a
// packet of 10,000 forms would otherwise hold some 360 MB of page objects (about 36 KB a page).
// JSON deflated at the fastest level: about 3.2 KB a page (the seed's forms), a fraction of a millisecond each way.
// The data paths are left out: the 汇总表 only draws.
//
// A build keeps them in a file of its staging folder (PackedPageFile), not in memory: at 10,000
// forms they are some 20 MB more, held by the build's thread from its first form to its last page.
import { open, type FileHandle } from 'node:fs/promises';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { fsStep } from '../errors.js';
import type { PositionedPage } from '../layout/place.js';

export type PackedPages = Uint8Array;

export function packPages(pages: readonly PositionedPage[]): PackedPages {
  const json = JSON.stringify(pages, (key, value: unknown) => (key === 'path' ? undefined : value));
  // Copied out: zlib hands back a view of its 16 KB output buffer, which would keep the whole of it.
  return new Uint8Array(deflateRawSync(json, { level: 1 }));
}

export function unpackPages(packed: PackedPages): PositionedPage[] {
  return JSON.parse(inflateRawSync(packed).toString('utf8')) as PositionedPage[];
}

/**
 * Packed pages written one after another into one file, each read back by where it was put. A
 * failure is said as one writing `target` (the 汇总表 they are for: the user does not know this file).
 */
export class PackedPageFile {
  #size = 0;
  private constructor(
    private readonly handle: FileHandle,
    private readonly target: string,
  ) {}

  /** A new file at `file`, in a folder that is removed with it (a build's staging folder). */
  static async create(file: string, target: string): Promise<PackedPageFile> {
    return new PackedPageFile(await fsStep('写入', target, () => open(file, 'wx+')), target);
  }

  /** Writes `packed`; the function returned reads it back. */
  async add(packed: PackedPages): Promise<() => Promise<PackedPages>> {
    const [at, length] = [this.#size, packed.byteLength];
    this.#size += length;
    await fsStep('写入', this.target, () => this.handle.write(packed, 0, length, at));
    // Made apart: a function made here would share this call's scope, `packed` with it, and keep
    // every form's packed pages in memory until the 汇总表 is drawn (some 35 MB at 10,000 forms).
    return this.reader(at, length);
  }

  private reader(at: number, length: number): () => Promise<PackedPages> {
    return async () => {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await fsStep('写入', this.target, () => this.handle.read(bytes, 0, length, at));
      if (bytesRead !== length) throw new Error(`bug: read ${bytesRead} of ${length} bytes of packed pages`);
      return bytes;
    };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
