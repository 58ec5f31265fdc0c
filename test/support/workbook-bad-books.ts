// Bad workbooks for test/workbook-bad-inputs.test.ts, each made cheaply: a good one from the real
// writer (src/render/workbook.ts), changed with ExcelJS where a cell is to change, or in its parts
// with fflate and zlib (and a small zip writer of our own: a zip whose directory lies about a size).
import ExcelJS from 'exceljs';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { unzipSync, zipSync } from 'fflate';
import { writeWorkbook } from '../../src/render/workbook.js';
import type { Packet } from '../../src/model/packet.js';
import { loadSeed } from './seed.js';

/** The seed's first two projects (培训费, 闵行区居村民服务自治平台（2023运维）), each with its indicators. */
export function smallPacket(): Packet {
  const seed = loadSeed();
  return { ...seed, projects: seed.projects.slice(0, 2) };
}

/** The workbook `shenbao xlsx` writes for `packet`, stamped with a fixed date. */
export const goodWorkbook = (packet: Packet = smallPacket()): Promise<Buffer> => writeWorkbook(packet, { date: new Date('2023-01-01T00:00:00Z') });

/**
 * `bytes` loaded into ExcelJS, changed by `change`, and saved again, without its dropdowns: ExcelJS
 * loads a dropdown's range as one entry per cell (5,000 rows a column) and joins them again on
 * saving, 5–8 s of CPU over the three files that use this (2026-12-07). Nothing here is about them,
 * and the reader skips them (src/extract/workbook.ts); test/workbook.test.ts's fillIn keeps them.
 */
export async function editWorkbook(bytes: Uint8Array, change: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer, { ignoreNodes: ['dataValidations'] });
  change(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The workbook's parts, by name. */
export const parts = (bytes: Uint8Array): Record<string, Uint8Array> => unzipSync(bytes);

/** A zip of `files`, in that order. */
export const zipParts = (files: Record<string, Uint8Array>): Buffer => Buffer.from(zipSync(files, { level: 1 }));

/** The part of `bytes` that is the worksheet named `sheet` (xl/worksheets/sheetN.xml), by the workbook's relationships. */
export function sheetPart(files: Record<string, Uint8Array>, sheet: string): string {
  const text = (name: string) => new TextDecoder().decode(files[name]);
  const id = new RegExp(`<sheet [^>]*name="${sheet}"[^>]*r:id="([^"]+)"`).exec(text('xl/workbook.xml'))?.[1];
  const target = new RegExp(`<Relationship [^>]*Id="${id}"[^>]*Target="([^"]+)"`).exec(text('xl/_rels/workbook.xml.rels'))?.[1]
    ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${id}"`).exec(text('xl/_rels/workbook.xml.rels'))?.[1];
  if (!id || !target) throw new Error(`no sheet ${sheet}`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

/**
 * A workbook like `bytes` whose sheet `sheet` holds `rows` data rows below its header row, each
 * with a number in column A (as a pasted column leaves it), for almost nothing: the rows are
 * written without their optional r attribute, so one chunk of 10,000 rows, deflated once and
 * sync-flushed (byte-aligned, non-final, referring to nothing before it), is repeated. A million
 * rows: 26 MB of XML in 0.1 MB.
 */
export function manyRows(bytes: Uint8Array, sheet: string, rows: number): Buffer {
  const files = parts(bytes);
  const name = sheetPart(files, sheet);
  const xml = new TextDecoder().decode(files[name]);
  const head = Buffer.from(xml.slice(0, xml.indexOf('<sheetData>') + '<sheetData>'.length) + /<row r="1"[\s\S]*?<\/row>/.exec(xml)![0]);
  const tail = Buffer.from(xml.slice(xml.indexOf('</sheetData>')));
  const CHUNK = 10_000;
  if (rows % CHUNK !== 0) throw new Error(`rows: a multiple of ${CHUNK}`);
  const chunk = Buffer.from('<row><c><v>1</v></c></row>'.repeat(CHUNK), 'latin1');
  const flushed = (part: Buffer) => deflateRawSync(part, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const deflatedChunk = flushed(chunk);
  const stored = Buffer.concat([flushed(head), ...Array.from({ length: rows / CHUNK }, () => deflatedChunk), flushed(tail), Buffer.from([0x03, 0x00])]);
  let crc = crc32(head);
  for (let i = 0; i < rows / CHUNK; i++) crc = crc32(chunk, crc);
  crc = crc32(tail, crc);
  const size = head.length + chunk.length * (rows / CHUNK) + tail.length;
  return rawZip(storedEntries(bytes).map((entry) => (entry.name === name ? { name, stored, method: 8 as const, size, crc } : entry)));
}

/**
 * A raw deflate stream of `megabytes` MB of zeros, for the cost of one: 1 MB of zeros deflated
 * and sync-flushed (non-final blocks, byte-aligned, referring to nothing before them), repeated,
 * then an empty final block (fixed Huffman: 03 00). 201 MB inflate from 0.2 MB.
 */
export function deflatedZeros(megabytes: number): Buffer {
  const one = deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: megabytes }, () => one), Buffer.from([0x03, 0x00])]);
}

export interface RawEntry {
  name: string;
  /** What is stored: the bytes, or (method 8) their raw deflate stream. */
  stored: Uint8Array;
  method: 0 | 8;
  /** The uncompressed size the headers claim, true or not. */
  size: number;
  crc: number;
}

/** A zip of `entries` as they are given (sizes and CRCs as claimed): for what fflate would never write. */
export function rawZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.stored.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0x800, 8);
    record.writeUInt16LE(entry.method, 10);
    record.writeUInt32LE(entry.crc >>> 0, 16);
    record.writeUInt32LE(entry.stored.length, 20);
    record.writeUInt32LE(entry.size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(entry.stored));
    central.push(record, name);
    offset += 30 + name.length + entry.stored.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The entries of a good workbook, stored (method 0) with their true sizes and CRCs. */
export function storedEntries(bytes: Uint8Array): RawEntry[] {
  return Object.entries(parts(bytes)).map(([name, content]) => ({ name, stored: content, method: 0, size: content.length, crc: crc32(content) }));
}

