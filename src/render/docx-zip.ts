// The .docx package: its parts zipped, in order, by fflate's streaming Zip, and deflated by zlib
// (node:zlib, as the PDFs' streams are).
//
// Two things make a batch of .docx files cheap. The parts that are the same in every form (styles,
// numbering, theme, footer, relationships: a shell, render/docx.ts) are deflated once and their
// bytes written as they are into every zip; only word/document.xml and core.xml are deflated per
// form. And word/document.xml is deflated as its text comes, so a 汇总表 of thousands of forms is
// written out a batch at a time, never held whole. Entries carry their sizes after their data (a
// data descriptor), as a stream must; Word, LibreOffice and fflate's unzip read that as they read
// any zip.
//
// zlib, not fflate's own deflate: fflate's took about 1.1 ms of a form (its 30 KB document.xml in
// the pieces it is written in), zlib takes 0.15-0.2 ms. Its output is as deterministic as the PDFs'.
import { constants, deflateRawSync } from 'node:zlib';
import { Zip, ZipPassThrough, type ZipInputFile } from 'fflate';

/** Zip entry time: fixed, and the same in every time zone (fflate writes local time). */
export const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);
const LEVEL = 6;
/**
 * Text deflated at a time (characters, at least): a form's document.xml in one go, a 汇总表's in
 * batches, each with the 32 KB before it as zlib's dictionary, so that they join into one deflate
 * stream the size zlib makes of the whole (tested).
 */
const BATCH = 262_144;
const WINDOW = 32_768;
/** Bytes of the zip written at a time, at least. */
const CHUNK = 65_536;

/** A part deflated once, its bytes written as they are into every zip that has it. */
export interface DeflatedPart {
  name: string;
  size: number;
  crc: number;
  deflated: Uint8Array[];
}

/** A part deflated as it is written: its text in pieces, taken one at a time (made as they are asked for). */
export interface StreamedPart {
  name: string;
  pieces: Iterable<string> | AsyncIterable<string>;
}

/**
 * A zip entry deflated by zlib: fflate's pass-through entry (which counts the size and the CRC of
 * what is pushed) with a compressor of its own, as fflate's documentation of `process` describes.
 * Each push is deflated at once: all but the last end on a byte boundary (a sync flush), and each
 * takes the end of the one before as its dictionary.
 */
class ZlibEntry extends ZipPassThrough {
  private window: Uint8Array | undefined;

  constructor(name: string) {
    super(name);
    this.compression = 8;
    this.mtime = ZIP_TIME;
  }

  protected override process(chunk: Uint8Array<ArrayBuffer>, final: boolean): void {
    const deflated = deflateRawSync(chunk, {
      level: LEVEL,
      finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      ...(this.window ? { dictionary: this.window } : {}),
    });
    this.window = final ? undefined : chunk.subarray(-WINDOW);
    this.ondata(null, deflated, final);
  }
}

export function deflatePart(name: string, data: Uint8Array): DeflatedPart {
  const deflated: Uint8Array[] = [];
  const entry = new ZlibEntry(name);
  entry.ondata = (error, chunk) => {
    if (error) throw error;
    // A copy: zlib's output is a view of a 16 KB buffer, which a part kept for good would keep too.
    deflated.push(new Uint8Array(chunk));
  };
  entry.push(data, true);
  return { name, size: entry.size, crc: entry.crc, deflated };
}

/**
 * The zip of `parts`, in their order, as it is made: chunks of bytes to write one after another,
 * each of at least 64 KB but the last (a form's .docx is one chunk: fflate's many small pieces,
 * each taken through two async generators, cost more than joining them).
 */
export async function* zipChunks(parts: Iterable<DeflatedPart | StreamedPart>): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let pending = 0;
  let failed: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failed = error;
    else {
      out.push(chunk);
      pending += chunk.length;
    }
  });
  const taken = (last = false): Uint8Array[] => {
    if (failed) throw failed;
    if (pending < CHUNK && !last) return [];
    pending = 0;
    return [Buffer.concat(out.splice(0))];
  };
  const names = new Set<string>();
  for (const part of parts) {
    if (names.has(part.name)) throw new Error(`bug: ${part.name} twice in one zip`);
    names.add(part.name);
    if ('deflated' in part) {
      const file: ZipInputFile = { filename: part.name, size: part.size, crc: part.crc, compression: 8, mtime: ZIP_TIME };
      zip.add(file);
      part.deflated.forEach((chunk, i) => file.ondata!(null, chunk as Uint8Array<ArrayBuffer> /* zlib's own output */, i === part.deflated.length - 1));
    } else {
      const entry = new ZlibEntry(part.name);
      zip.add(entry);
      // Pieces gathered into batches; each batch pushed once the next piece is known, the last with `final`.
      let batch: string[] = [];
      let length = 0;
      for await (const piece of part.pieces) {
        if (length >= BATCH) {
          entry.push(Buffer.from(batch.join('')));
          batch = [];
          length = 0;
        }
        batch.push(piece);
        length += piece.length;
        yield* taken();
      }
      entry.push(Buffer.from(batch.join('')), true);
    }
    yield* taken();
  }
  zip.end();
  yield* taken(true);
}
