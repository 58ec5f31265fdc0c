// Reading a revised draft: a .docx back to a validated packet, and either side of `diff` (a data
// file or a .docx) as a packet to compare.
import { readFile } from 'node:fs/promises';
import { fsStep, UserError } from '../errors.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import { formatDiagnostic } from '../validate/format.js';
import { hasErrors, type Diagnostic } from '../validate/diagnostic.js';
import { readPacketFile, validatePacket } from '../validate/validate.js';
import { extractDocx, type ExtractedDocx } from './docx.js';

export interface ExtractedFile extends ExtractedDocx {
  /** The data validated as a data file would be (when it could be read at all). */
  diagnostics: Diagnostic[];
  /** The valid packet, keys in the schema's order; absent when anything is an error. */
  packet?: Packet;
  projectNames: Array<string | undefined>;
}

export async function extractFile(file: string, templates: FormTemplates): Promise<ExtractedFile> {
  const bytes = await fsStep('读取', file, () => readFile(file));
  const extracted = extractDocx(bytes, file, templates);
  if (!extracted.data) return { ...extracted, diagnostics: [], projectNames: [] };
  const validation = validatePacket(extracted.data);
  // A Word file has no line numbers: a problem with a value says where in Word it was read, and what.
  const diagnostics = validation.diagnostics.map((d) => {
    const read = extracted.places.get(d.path.join('.'));
    return read ? { ...d, message: `${d.message}（Word ${read.place}：「${read.text}」）` } : d;
  });
  return { ...extracted, diagnostics, packet: validation.packet, projectNames: validation.projectNames };
}

export const isWordFile = (file: string) => /\.docx$/i.test(file);

/** A data file or a .docx as a valid packet, for `diff`; anything that stops that is a UserError saying all of it. */
export async function comparablePacket(file: string, templates: FormTemplates): Promise<Packet> {
  if (isWordFile(file)) {
    const read = await extractFile(file, templates);
    if (read.problems.length > 0) throw new UserError(read.problems.join('\n'));
    if (!read.packet) throw new UserError(invalid(file, read.diagnostics, read.projectNames));
    return read.packet;
  }
  const { loaded } = await readPacketFile(file);
  if (!loaded.packet || hasErrors(loaded.diagnostics)) throw new UserError(invalid(file, loaded.diagnostics, loaded.projectNames));
  return loaded.packet;
}

function invalid(file: string, diagnostics: Diagnostic[], names: ReadonlyArray<string | undefined>): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return [...errors.map((d) => formatDiagnostic(d, file, names)), `${file} 有 ${errors.length} 个错误，改正后才能比较`].join('\n');
}
