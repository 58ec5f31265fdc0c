// Crafted fonts for the font checks (issue 17), made at test time: the default face (Noto Serif SC)
// with one field of the file changed, and a small OpenType font with CFF outlines (.otf), written
// from the OpenType spec (sfnt tables; CFF per Adobe Technical Note #5176), since no CFF font ships
// with the packages the project installs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as FontkitModule from 'fontkit';
import { DEFAULT_FONTS } from '../../src/render/font-files.js';

const fontkit = createRequire(import.meta.url)('fontkit') as typeof FontkitModule;

/** Where each table sits in a TrueType file. */
export function tableOffsets(data: Buffer): Map<string, { offset: number; length: number }> {
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0, n = data.readUInt16BE(4); i < n; i++) {
    const entry = 12 + 16 * i;
    tables.set(data.toString('latin1', entry, entry + 4), { offset: data.readUInt32BE(entry + 8), length: data.readUInt32BE(entry + 12) });
  }
  return tables;
}

/** Noto Serif SC (regular) as shipped: 15 MB, long loca offsets, no composite glyph of its own. */
export const noto = (): Buffer => Buffer.from(readFileSync(DEFAULT_FONTS.regular));

/** The glyph id that `char` maps to in `data`'s cmap. */
export const glyphOf = (data: Buffer, char: string): number => (fontkit.create(data) as FontkitModule.Font).glyphForCodePoint(char.codePointAt(0)!).id;

/** `data` with head.unitsPerEm set to `unitsPerEm` (the glyphs stay as drawn, for 1000). */
export function withUnitsPerEm(data: Buffer, unitsPerEm: number): Buffer {
  const copy = Buffer.from(data);
  copy.writeUInt16BE(unitsPerEm, tableOffsets(copy).get('head')!.offset + 18);
  return copy;
}

/**
 * `data` with the glyphs `ids` made composite glyphs, each the next one's only component (the last
 * one's component is `last`): [a] with last a is a glyph that contains itself; [a, b] with last a
 * a circle of two; [a, b, …] with last a simple glyph a chain as deep as the list. Each glyph keeps
 * its place in glyf (its old outline is at least the 16 bytes a one-component glyph takes).
 */
export function withComposites(data: Buffer, ids: number[], last: number): Buffer {
  const copy = Buffer.from(data);
  const tables = tableOffsets(copy);
  const glyf = tables.get('glyf')!.offset;
  const loca = tables.get('loca')!.offset;
  ids.forEach((id, i) => {
    const start = copy.readUInt32BE(loca + 4 * id);
    if (copy.readUInt32BE(loca + 4 * id + 4) - start < 16) throw new Error(`glyph ${id} has no room for a component`);
    const at = glyf + start;
    copy.writeInt16BE(-1, at); // numberOfContours < 0: composite; the bounding box stays
    copy.writeUInt16BE(0x0003, at + 10); // ARG_1_AND_2_ARE_WORDS | ARGS_ARE_XY_VALUES, no MORE_COMPONENTS
    copy.writeUInt16BE(ids[i + 1] ?? last, at + 12);
    copy.writeInt32BE(0, at + 14); // dx, dy
  });
  return copy;
}

/**
 * `data` with its PostScript name (name ID 6, in each record: UTF-16 and Mac Roman) replaced by
 * `name`, padded or cut to the old name's length so that no offset moves.
 */
export function withPostScriptName(data: Buffer, name: string): Buffer {
  const copy = Buffer.from(data);
  const table = tableOffsets(copy).get('name')!;
  const old = (fontkit.create(data) as FontkitModule.Font).postscriptName;
  const fitted = name.padEnd(old.length, 'x').slice(0, old.length);
  const bytes = copy.subarray(table.offset, table.offset + table.length);
  let replaced = 0;
  for (const [from, to] of [
    [Buffer.from(old, 'utf16le').swap16(), Buffer.from(fitted, 'utf16le').swap16()],
    [Buffer.from(old, 'latin1'), Buffer.from(fitted, 'latin1')],
  ] as const) {
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1), replaced++) to.copy(bytes, at);
  }
  if (replaced === 0) throw new Error('no PostScript name found');
  return copy;
}

/**
 * `data` with the cmap range that holds `char` mapped past the font's last glyph (glyph 60000 on),
 * in every Unicode subtable: format 4 (by idDelta, where the range has no glyphIdArray) and 12.
 */
export function withCmapBeyondGlyphs(data: Buffer, char: string): Buffer {
  const copy = Buffer.from(data);
  const cmap = tableOffsets(copy).get('cmap')!.offset;
  const c = char.codePointAt(0)!;
  let changed = 0;
  for (let i = 0, n = copy.readUInt16BE(cmap + 2); i < n; i++) {
    const sub = cmap + copy.readUInt32BE(cmap + 4 + 8 * i + 4);
    const format = copy.readUInt16BE(sub);
    if (format === 4) {
      const segCountX2 = copy.readUInt16BE(sub + 6);
      const ends = sub + 14;
      const starts = ends + segCountX2 + 2;
      const deltas = starts + segCountX2;
      const rangeOffsets = deltas + segCountX2;
      for (let k = 0; k < segCountX2 / 2; k++) {
        const start = copy.readUInt16BE(starts + 2 * k);
        if (c < start || c > copy.readUInt16BE(ends + 2 * k) || copy.readUInt16BE(rangeOffsets + 2 * k) !== 0) continue;
        copy.writeUInt16BE((60000 - start) & 0xffff, deltas + 2 * k);
        changed++;
      }
    } else if (format === 12) {
      for (let g = 0, groups = copy.readUInt32BE(sub + 12); g < groups; g++) {
        const at = sub + 16 + 12 * g;
        if (c < copy.readUInt32BE(at) || c > copy.readUInt32BE(at + 4)) continue;
        copy.writeUInt32BE(60000, at + 8);
        changed++;
      }
    }
  }
  if (changed === 0) throw new Error(`no cmap range of ${char} changed`);
  return copy;
}

// ---- an OpenType font with CFF outlines --------------------------------------------------------

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i16 = (n: number) => u16(n & 0xffff);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** A CFF INDEX: count, offSize, offsets from 1, data. */
function cffIndex(items: Buffer[]): Buffer {
  if (items.length === 0) return u16(0);
  const offsets = [1];
  for (const item of items) offsets.push(offsets.at(-1)! + item.length);
  const offSize = offsets.at(-1)! < 0x100 ? 1 : offsets.at(-1)! < 0x10000 ? 2 : 4;
  const encode = (n: number) => (offSize === 1 ? Buffer.from([n]) : offSize === 2 ? u16(n) : u32(n));
  return Buffer.concat([u16(items.length), Buffer.from([offSize]), ...offsets.map(encode), ...items]);
}

/** A DICT operand as a 5-byte integer (fixed size, so offsets can be worked out before they are known). */
const dictInt = (n: number) => Buffer.concat([Buffer.from([29]), u32(n)]);
/** A Type 2 charstring number as 28 + int16. */
const csInt = (n: number) => Buffer.concat([Buffer.from([28]), i16(n)]);

/** The CFF table: .notdef (empty) and one square glyph per character, glyph names from the standard strings. */
function cffTable(glyphCount: number): Buffer {
  const square = Buffer.concat([
    csInt(100), csInt(0), Buffer.from([21]), // rmoveto
    csInt(800), csInt(0), csInt(0), csInt(800), csInt(-800), csInt(0), Buffer.from([5]), // rlineto ×3
    Buffer.from([14]), // endchar
  ]);
  const charStrings = cffIndex([Buffer.from([14]), ...Array.from({ length: glyphCount - 1 }, () => square)]);
  const charset = Buffer.concat([Buffer.from([0]), ...Array.from({ length: glyphCount - 1 }, (_, i) => u16(i + 1))]);
  const privateDict = Buffer.from([139, 20, 139, 21]); // defaultWidthX 0, nominalWidthX 0
  const header = Buffer.from([1, 0, 4, 4]);
  const name = cffIndex([Buffer.from('ShenbaoTestCFF', 'latin1')]);
  const topDictSize = 3 * 6 + 5; // charset, CharStrings: operand + operator; Private: two operands + operator
  const topIndexSize = 2 + 1 + 2 + topDictSize;
  const strings = cffIndex([]);
  const globalSubrs = cffIndex([]);
  const charsetAt = header.length + name.length + topIndexSize + strings.length + globalSubrs.length;
  const charStringsAt = charsetAt + charset.length;
  const privateAt = charStringsAt + charStrings.length;
  const topDict = Buffer.concat([
    dictInt(charsetAt), Buffer.from([15]),
    dictInt(charStringsAt), Buffer.from([17]),
    dictInt(privateDict.length), dictInt(privateAt), Buffer.from([18]),
  ]);
  const top = cffIndex([topDict]);
  if (top.length !== topIndexSize) throw new Error('Top DICT INDEX size');
  return Buffer.concat([header, name, top, strings, globalSubrs, charset, charStrings, privateDict]);
}

/** An sfnt file of these tables, each at a 4-byte boundary, the directory sorted by tag. */
function sfnt(version: Buffer, tables: Record<string, Buffer>): Buffer {
  const tags = Object.keys(tables).sort();
  const directory = 12 + 16 * tags.length;
  const parts: Buffer[] = [];
  const records: Buffer[] = [];
  let offset = directory;
  for (const tag of tags) {
    const data = tables[tag]!;
    records.push(Buffer.concat([Buffer.from(tag, 'latin1'), u32(0), u32(offset), u32(data.length)]));
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    parts.push(padded);
    offset += padded.length;
  }
  const power = 2 ** Math.floor(Math.log2(tags.length));
  return Buffer.concat([version, u16(tags.length), u16(power * 16), u16(Math.log2(power)), u16((tags.length - power) * 16), ...records, ...parts]);
}

/**
 * An OpenType font with CFF outlines (.otf, 'OTTO') that maps each of `text`'s characters to a
 * square glyph one em wide: it has every table a face needs and prints the form's own text.
 */
export function cffFont(text: string): Buffer {
  const chars = [...new Set(text)].map((c) => c.codePointAt(0)!).sort((a, b) => a - b);
  const glyphCount = chars.length + 1;
  const head = Buffer.concat([
    u32(0x00010000), u32(0x00010000), u32(0), u32(0x5f0f3cf5), u16(3), u16(1000),
    Buffer.alloc(16), // created, modified
    i16(0), i16(-120), i16(1000), i16(880), // bounding box
    u16(0), u16(8), i16(2), i16(0), i16(0), // macStyle, lowestRecPPEM, fontDirectionHint, indexToLocFormat, glyphDataFormat
  ]);
  const hhea = Buffer.concat([
    u32(0x00010000), i16(880), i16(-120), i16(0), u16(1000), i16(0), i16(100), i16(900),
    i16(1), i16(0), i16(0), Buffer.alloc(8), i16(0), u16(glyphCount),
  ]);
  const hmtx = Buffer.concat(Array.from({ length: glyphCount }, () => Buffer.concat([u16(1000), i16(100)])));
  const maxp = Buffer.concat([u32(0x00005000), u16(glyphCount)]);
  const post = Buffer.concat([u32(0x00030000), u32(0), i16(-100), i16(50), Buffer.alloc(20)]);
  const names: Array<[number, string]> = [[1, 'Shenbao Test CFF'], [2, 'Regular'], [4, 'Shenbao Test CFF Regular'], [6, 'ShenbaoTestCFF-Regular']];
  const strings = names.map(([, value]) => Buffer.from(value, 'utf16le').swap16());
  let at = 0;
  const nameRecords = names.map(([id], i) => {
    const record = Buffer.concat([u16(3), u16(1), u16(0x0409), u16(id), u16(strings[i]!.length), u16(at)]);
    at += strings[i]!.length;
    return record;
  });
  const name = Buffer.concat([u16(0), u16(names.length), u16(6 + 12 * names.length), ...nameRecords, ...strings]);
  const groups = chars.map((c, i) => Buffer.concat([u32(c), u32(c), u32(i + 1)]));
  const format12 = Buffer.concat([u16(12), u16(0), u32(16 + 12 * groups.length), u32(0), u32(groups.length), ...groups]);
  const cmap = Buffer.concat([u16(0), u16(1), u16(3), u16(10), u32(12), format12]);
  return sfnt(Buffer.from('OTTO', 'latin1'), { 'CFF ': cffTable(glyphCount), cmap, head, hhea, hmtx, maxp, name, post });
}
