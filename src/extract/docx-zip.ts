// The zip container of a .docx, read: its central directory (APPNOTE.TXT 4.3.12–4.3.16, with the
// ZIP64 records of 4.3.14–4.3.15 and extra field 0x0001), and each wanted entry inflated by
// fflate's streaming Inflate while the bytes it actually gives are counted, so that a part whose
// header claims little but inflates to a great deal is stopped at the cap, not read whole.
//
// fflate's unzipSync inflates into a buffer of the size the header claims and silently cuts a
// larger part short; its streaming Unzip walks local headers and finds the end of an entry that
// has a data descriptor (every entry LibreOffice and shenbao write) by looking for a signature in
// the compressed bytes. Neither fits, hence this reader of the directory: the directory is
// authoritative, as for Word.
import { Inflate } from 'fflate';

export interface ZipEntry {
  /** as stored: UTF-8 when flag bit 11 says so, else one character per byte (as fflate reads it) */
  name: string;
  /** 0 stored, 8 deflated; anything else cannot be read */
  method: number;
  encrypted: boolean;
  /** what the directory claims: the bytes inflated, and the compressed bytes */
  originalSize: number;
  compressedSize: number;
  /** where the entry's local header starts */
  localHeader: number;
}

/** The container is not a zip, or its directory is damaged: `detail` says how, in Chinese. */
export class ZipDamaged extends Error {}

/** An entry inflated past its cap: `inflated` is how far it got when it was stopped. */
export class ZipEntryTooLarge extends Error {
  constructor(readonly inflated: number) {
    super(`inflated past the cap at ${inflated} bytes`);
  }
}

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;
const ALL_ONES = 0xffffffff;

/** The entries of the central directory, in its order. */
export function zipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): number => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipDamaged('压缩包目录记的大小或位置不合理');
    return Number(value);
  };
  const need = (at: number, length: number): void => {
    if (at < 0 || at + length > bytes.length) throw new ZipDamaged('压缩包目录指向文件之外');
  };

  // The end record is the last 22 bytes, unless a comment (at most 64 KB) follows it.
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - MAX_COMMENT; at--) {
    if (u32(at) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipDamaged('找不到压缩包的目录');
  let count = u16(end + 10);
  let offset = u32(end + 16);
  if ((count === 0xffff || offset === ALL_ONES) && end >= 20 && u32(end - 20) === ZIP64_LOCATOR) {
    const record = u64(end - 12);
    need(record, 56);
    if (u32(record) !== ZIP64_END) throw new ZipDamaged('压缩包的 ZIP64 目录记录已损坏');
    count = u64(record + 32);
    offset = u64(record + 48);
  }

  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    need(at, 46);
    if (u32(at) !== DIRECTORY_ENTRY) throw new ZipDamaged('压缩包目录已损坏');
    const flags = u16(at + 8);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    need(at + 46, nameLength + extraLength);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    let name = '';
    if (flags & 0x800) name = new TextDecoder().decode(nameBytes);
    else for (const byte of nameBytes) name += String.fromCharCode(byte);
    let compressedSize = u32(at + 20);
    let originalSize = u32(at + 24);
    let localHeader = u32(at + 42);
    // ZIP64: the fields that do not fit are ALL_ONES, their values in extra field 0x0001 in this order.
    if (originalSize === ALL_ONES || compressedSize === ALL_ONES || localHeader === ALL_ONES) {
      const extraEnd = at + 46 + nameLength + extraLength;
      let found = false;
      for (let field = at + 46 + nameLength; field + 4 <= extraEnd; field += 4 + u16(field + 2)) {
        if (u16(field) !== 0x0001) continue;
        let next = field + 4;
        const take = (): number => {
          need(next, 8);
          if (next + 8 > extraEnd) throw new ZipDamaged('压缩包目录的 ZIP64 信息已损坏');
          const value = u64(next);
          next += 8;
          return value;
        };
        if (originalSize === ALL_ONES) originalSize = take();
        if (compressedSize === ALL_ONES) compressedSize = take();
        if (localHeader === ALL_ONES) localHeader = take();
        found = true;
        break;
      }
      if (!found) throw new ZipDamaged('压缩包目录的 ZIP64 信息已损坏');
    }
    entries.push({ name, method: u16(at + 10), encrypted: (flags & 1) === 1, originalSize, compressedSize, localHeader });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Compressed bytes pushed to the inflater at a time: deflate gives at most ~1,032× its input, so one push adds at most ~16 MB. */
const PUSH = 16 * 1024;

/**
 * The entry's bytes. Inflating stops, with ZipEntryTooLarge, as soon as it has given more than
 * `max` bytes, whatever the header says; an entry whose real size differs from the directory's is
 * damaged. Memory: the claimed size (at most `max`) and one push.
 */
export function inflateEntry(bytes: Uint8Array, entry: ZipEntry, max: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeader;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) throw new ZipDamaged(`压缩包目录记的 ${entry.name} 的位置不对`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipDamaged(`${entry.name} 不完整`);
  if (entry.encrypted) throw new ZipDamaged(`${entry.name} 加了密`);
  const data = bytes.subarray(start, end);
  if (entry.method === 0) {
    if (data.length > max) throw new ZipEntryTooLarge(data.length);
    if (data.length !== entry.originalSize) throw new ZipDamaged(`${entry.name} 的大小与压缩包目录记的不符`);
    return data.slice();
  }
  if (entry.method !== 8) throw new ZipDamaged(`${entry.name} 用了读不了的压缩方式（${entry.method}）`);

  // A directory that claims more than the cap was refused by the caller, so this buffer is bounded.
  const out = new Uint8Array(Math.min(entry.originalSize, max));
  let inflated = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    // Past the claimed size the bytes are not kept, only counted, to tell a lying header from a bomb.
    if (inflated + chunk.length <= out.length) out.set(chunk, inflated);
    inflated += chunk.length;
    if (inflated > max) throw new ZipEntryTooLarge(inflated);
    if (final) ended = true;
  });
  try {
    for (let from = 0; from < data.length; from += PUSH) {
      const to = Math.min(from + PUSH, data.length);
      inflater.push(data.subarray(from, to), to === data.length);
    }
    if (data.length === 0) inflater.push(data, true);
  } catch (error) {
    if (error instanceof ZipEntryTooLarge) throw error;
    throw new ZipDamaged(`${entry.name} 的压缩数据已损坏`);
  }
  if (!ended) throw new ZipDamaged(`${entry.name} 的压缩数据不完整`);
  if (inflated !== entry.originalSize) throw new ZipDamaged(`${entry.name} 的大小与压缩包目录记的不符`);
  return out;
}
