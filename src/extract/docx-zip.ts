// The zip container of a .docx, read with yauzl: its central directory (ZIP64 included), and each
// wanted entry inflated while the bytes it actually gives are counted, so that a part whose header
// claims little but inflates to a great deal is stopped at the cap, not read whole. The directory is
// authoritative, as for Word (yauzl never scans for local headers).
//
// yauzl's errors are English sentences; they are told here as the Chinese detail of ZipDamaged.
// Two of its options are off on purpose: decodeStrings (names are decoded below as before, UTF-8
// when flag bit 11 says so, else one character per byte, and yauzl's file-name checks, meant for
// writing entries to disk, would refuse a whole package over a part we never read), and
// validateEntrySizes (its check stops a part at the size the directory claims, so a bomb that claims
// 1 MB would be told as damaged rather than as past the cap; the sizes are checked here instead).
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface ZipEntry {
  /** as stored: UTF-8 when flag bit 11 says so, else one character per byte */
  name: string;
  /** 0 stored, 8 deflated; anything else cannot be read */
  method: number;
  encrypted: boolean;
  /** what the directory claims: the bytes inflated */
  originalSize: number;
  /** yauzl's record of it, to open it with */
  readonly record: yauzl.Entry;
}

/** The container is not a zip, or its directory is damaged: `detail` says how, in Chinese. */
export class ZipDamaged extends Error {}

/** An entry inflated past its cap: `inflated` is how far it got when it was stopped. */
export class ZipEntryTooLarge extends Error {
  constructor(readonly inflated: number) {
    super(`inflated past the cap at ${inflated} bytes`);
  }
}

/** yauzl's words for a damaged directory, and ours. */
const DIRECTORY_ERRORS: [RegExp, string][] = [
  [/^End of central directory record signature not found/, '找不到压缩包的目录'],
  [/^Invalid comment length/, '压缩包目录之后有多余的数据'],
  [/zip64 end of central directory record signature/, '压缩包的 ZIP64 目录记录已损坏'],
  [/^zip64 extended information extra field/, '压缩包目录的 ZIP64 信息已损坏'],
  [/^unexpected EOF/, '压缩包目录指向文件之外'],
  [/^strong encryption/, '压缩包里有加了密的部分'],
];

function damaged(error: unknown, known: [RegExp, string][], otherwise: string): ZipDamaged {
  const message = error instanceof Error ? error.message : String(error);
  return new ZipDamaged(known.find(([pattern]) => pattern.test(message))?.[1] ?? otherwise);
}

/** A zip read from memory: its entries, in the central directory's order, each to be inflated on demand. */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ZipEntry[],
  ) {}

  static async open(bytes: Uint8Array): Promise<ZipArchive> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const entries: ZipEntry[] = [];
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false });
      for await (const record of zip.eachEntry()) {
        const flags = record.generalPurposeBitFlag;
        const raw = record.fileNameRaw;
        const name = flags & 0x800 ? new TextDecoder().decode(raw) : raw.toString('latin1');
        entries.push({ name, method: record.compressionMethod, encrypted: (flags & 1) === 1, originalSize: record.uncompressedSize, record });
      }
    } catch (error) {
      throw damaged(error, DIRECTORY_ERRORS, '压缩包目录已损坏');
    }
    return new ZipArchive(zip, entries);
  }

  /**
   * The entry's bytes. Inflating stops, with ZipEntryTooLarge, as soon as it has given more than
   * `max` bytes, whatever the header says; an entry whose real size differs from the directory's is
   * damaged. Memory: the claimed size (at most `max`) and one chunk of the stream.
   */
  async inflate(entry: ZipEntry, max: number): Promise<Uint8Array> {
    const { name } = entry;
    if (entry.encrypted) throw new ZipDamaged(`${name} 加了密`);
    if (entry.method !== 0 && entry.method !== 8) throw new ZipDamaged(`${name} 用了读不了的压缩方式（${entry.method}）`);
    let stream: Readable;
    try {
      stream = await this.zip.openReadStreamPromise(entry.record);
    } catch (error) {
      throw damaged(
        error,
        [
          [/^(invalid local file header signature|unexpected EOF)/, `压缩包目录记的 ${name} 的位置不对`],
          [/^file data overflows file bounds/, `${name} 不完整`],
        ],
        '压缩包目录已损坏',
      );
    }
    // A directory that claims more than the cap was refused by the caller, so this buffer is bounded.
    const out = new Uint8Array(Math.min(entry.originalSize, max));
    const inflated = await new Promise<number>((resolve, reject) => {
      let count = 0;
      stream.on('data', (chunk: Buffer) => {
        // Past the claimed size the bytes are not kept, only counted, to tell a lying header from a bomb.
        if (count + chunk.length <= out.length) out.set(chunk, count);
        count += chunk.length;
        if (count > max) {
          stream.removeAllListeners('data');
          stream.destroy();
          reject(new ZipEntryTooLarge(count));
        }
      });
      stream.on('error', (error: NodeJS.ErrnoException) =>
        reject(new ZipDamaged(error.code === 'Z_BUF_ERROR' ? `${name} 的压缩数据不完整` : `${name} 的压缩数据已损坏`)),
      );
      stream.on('end', () => resolve(count));
    });
    if (inflated !== entry.originalSize) throw new ZipDamaged(`${name} 的大小与压缩包目录记的不符`);
    return out;
  }
}
