// Word files in tests: build them as shenbao does, and edit their XML as Word and LibreOffice do.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildFiles } from '../../src/index.js';

export const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** Builds `dataFile` as .docx only (fixed date) into a new temp folder; returns the packet folder. */
export async function buildDocx(dataFile: string): Promise<string> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-docx-'));
  const [report] = await buildFiles([dataFile], { outDir, formats: ['docx'], creationDate: new Date('2023-01-01T00:00:00Z') });
  if (!report?.ok || !report.packetDir) throw new Error(`build failed: ${JSON.stringify(report?.diagnostics)}`);
  return report.packetDir;
}

export const readBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(file));

/** A part of the .docx as text. */
export function part(bytes: Uint8Array, name: string): string {
  const entry = unzipSync(bytes)[name];
  if (!entry) throw new Error(`no ${name} in the .docx`);
  return strFromU8(entry);
}

/** The .docx with word/document.xml changed by `edit` (a DOM), everything else as it was. */
export function editDocx(bytes: Uint8Array, edit: (document: Document) => void): Uint8Array {
  const entries = unzipSync(bytes);
  const document = new DOMParser().parseFromString(strFromU8(entries['word/document.xml']!), 'text/xml');
  edit(document);
  entries['word/document.xml'] = strToU8(new XMLSerializer().serializeToString(document));
  return zipSync(entries);
}

export const children = (node: Element, name: string): Element[] =>
  Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === W);

export const descendants = (node: Element | Document, name: string): Element[] => Array.from(node.getElementsByTagNameNS(W, name));

/** The body's tables, in order. */
export const tables = (document: Document): Element[] => children(document.documentElement!.getElementsByTagNameNS(W, 'body')[0]!, 'tbl');
export const rowsOf = (table: Element): Element[] => children(table, 'tr');
export const cellsOf = (row: Element): Element[] => children(row, 'tc');
/** All text of a node's w:t, joined. */
export const textOf = (node: Element): string => descendants(node, 't').map((t) => t.textContent ?? '').join('');

/** The first cell (in document order) whose whole text is `text`. */
export function cellWithText(document: Document, text: string): Element {
  const cell = descendants(document, 'tc').find((tc) => textOf(tc) === text);
  if (!cell) throw new Error(`no cell 「${text}」`);
  return cell;
}

/** Replaces a cell's text with one run in one paragraph, keeping its properties. */
export function setCellText(cell: Element, text: string): void {
  const document = cell.ownerDocument!;
  const paragraphs = children(cell, 'p');
  for (const p of paragraphs.slice(1)) cell.removeChild(p);
  const p = paragraphs[0]!;
  for (const r of children(p, 'r')) p.removeChild(r);
  p.appendChild(run(document, text));
}

export function run(document: Document, text: string): Element {
  const r = document.createElementNS(W, 'w:r');
  const t = document.createElementNS(W, 'w:t');
  t.setAttributeNS('http://www.w3.org/XML/1998/namespace', 'xml:space', 'preserve');
  t.appendChild(document.createTextNode(text));
  r.appendChild(t);
  return r;
}
