// The .docx package: its parts zipped, in order, by fflate's streaming Zip.
//
// Two things make a batch of .docx files cheap. The parts that are the same in every form (styles,
// numbering, theme, footer, relationships: a shell, render/docx.ts) are deflated once and their
// bytes written as they are into every zip; only word/document.xml and core.xml are deflated per
// form. And word/document.xml is deflated as its text comes, so a 汇总表 of thousands of forms is
// written out a batch at a time, never held whole. Entries carry their sizes after their data (a
// data descriptor), as a stream must; Word, LibreOffice and fflate's unzip read that as they read
// any zip.
import { strToU8, Zip, ZipDeflate, type ZipInputFile } from 'fflate';

/** Zip entry time: fixed, and the same in every time zone (fflate writes local time). */
export const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);
const LEVEL = 6;

/** A part deflated once, its bytes written as they are into every zip that has it. */
export interface DeflatedPart {
  name: string;
  size: number;
  crc: number;
  flag: ZipDeflate['flag'];
  deflated: Uint8Array[];
}

/** A part deflated as it is written: its text (or bytes) in pieces, taken one at a time (made as they are asked for). */
export interface StreamedPart {
  name: string;
  pieces: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;
}

export function deflatePart(name: string, data: Uint8Array): DeflatedPart {
  const deflated: Uint8Array[] = [];
  const file = new ZipDeflate(name, { level: LEVEL });
  file.ondata = (error, chunk) => {
    if (error) throw error;
    deflated.push(chunk);
  };
  file.push(data, true);
  return { name, size: file.size, crc: file.crc, flag: file.flag, deflated };
}

/** The zip of `parts`, in their order, as it is made: chunks of bytes to write one after another. */
export async function* zipChunks(parts: Iterable<DeflatedPart | StreamedPart>): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failed: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failed = error;
    else out.push(chunk);
  });
  const taken = () => {
    if (failed) throw failed;
    return out.splice(0);
  };
  const names = new Set<string>();
  for (const part of parts) {
    if (names.has(part.name)) throw new Error(`bug: ${part.name} twice in one zip`);
    names.add(part.name);
    if ('deflated' in part) {
      const file: ZipInputFile = { filename: part.name, size: part.size, crc: part.crc, compression: 8, flag: part.flag, mtime: ZIP_TIME };
      zip.add(file);
      part.deflated.forEach((chunk, i) => file.ondata!(null, chunk as Uint8Array<ArrayBuffer> /* fflate's own output */, i === part.deflated.length - 1));
    } else {
      const file = new ZipDeflate(part.name, { level: LEVEL });
      file.mtime = ZIP_TIME;
      zip.add(file);
      // Each piece pushed once the next is known: the last goes with `final`.
      let previous: Uint8Array | undefined;
      for await (const piece of part.pieces) {
        if (previous) file.push(previous);
        previous = typeof piece === 'string' ? strToU8(piece) : piece;
        yield* taken();
      }
      file.push(previous ?? new Uint8Array(0), true);
    }
    yield* taken();
  }
  zip.end();
  yield* taken();
}
