// What the page downloads, made from the data it holds now (saved or not) as build makes it: a
// project's form (PDF or Word), the 汇总表's PDF, the fill-in workbook, the data file. Named as
// build names the files (NN-项目名称.pdf, 汇总表.pdf) or after the data file (<stem>.xlsx/.json).
// Data with errors makes no form, 汇总表 or workbook (build would not make them either); the data
// file is the user's draft, errors and all.
import { UserError } from '../errors.js';
import type { BuildContext } from '../output/build.js';
import { formJob, makeForm } from '../output/forms.js';
import { STARTER_FILE } from '../output/init.js';
import { packetDirName, projectFileName, SUMMARY_FILE_NAME } from '../output/names.js';
import { summaryForms, summaryPdfChunks } from '../output/summary.js';
import { check, formErrors, served, type ServedProblem } from './check.js';
import { dataText } from './packet-files.js';

export const DOWNLOAD_KINDS = ['form-pdf', 'form-docx', 'summary-pdf', 'workbook', 'data'] as const;
export type DownloadKind = (typeof DOWNLOAD_KINDS)[number];

export const CONTENT_TYPE = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
} as const;

export interface Download {
  bytes: Uint8Array;
  /** The file's name, as build would name it. */
  name: string;
  type: string;
}

/** The file, or why the data cannot make it (its errors, as preview says them). */
export type Made = { download: Download } | { refused: { error: string; problems: ServedProblem[] } };

export interface DownloadRequest {
  data?: unknown;
  /** The data file the page opened (names the workbook and data file, and the problems); '' or absent for a new packet. */
  file?: unknown;
  /** For a form: the project, 0-based. */
  project?: unknown;
}

export async function makeDownload(kind: string, request: DownloadRequest, context: BuildContext): Promise<Made> {
  if (!(DOWNLOAD_KINDS as readonly string[]).includes(kind)) throw new UserError(`不能下载「${kind}」：可以下载的是 ${DOWNLOAD_KINDS.join('、')}`);
  const file = typeof request.file === 'string' && request.file !== '' ? request.file : undefined;
  // A new packet, never saved, is named as `shenbao init` names its data file.
  const stem = packetDirName(file ?? STARTER_FILE);
  const said = file ?? '数据';
  // The data file is checked for nothing: a draft with errors is still the user's.
  if (kind === 'data') return made(Buffer.from(dataText(request.data)), `${stem}.json`, CONTENT_TYPE.json);
  const checked = check(request.data, said, context);
  const { validation } = checked;
  const creationDate = new Date();
  switch (kind as Exclude<DownloadKind, 'data'>) {
    case 'form-pdf':
    case 'form-docx': {
      const index = request.project;
      const count = validation.projectNames.length;
      if (!Number.isInteger(index)) throw new UserError('下载申报表要给出项目的序号 project（从 0 数起）');
      if ((index as number) < 0 || (index as number) >= count) throw new UserError(`数据里没有第 ${(index as number) + 1} 个项目（project 从 0 数起，共 ${count} 个项目）`);
      const at = index as number;
      const name = validation.projectNames[at];
      const accepted = validation.accepted.find((a) => a.number === at + 1);
      const problems = formErrors(checked.problems, at);
      if (!validation.header || !accepted || problems.length > 0) return refused(`项目 ${at + 1}${name ? `「${name}」` : ''}有错误，不能生成申报表`, problems);
      const pdf = kind === 'form-pdf';
      const form = await makeForm(formJob(validation.header, accepted.project, at, { creationDate, pdf, docx: !pdf }), context.fonts, context.templates);
      const format = pdf ? 'pdf' : 'docx';
      return made(pdf ? form.pdf!.bytes : form.docx!, projectFileName(at + 1, count, name!, format), CONTENT_TYPE[format]);
    }
    case 'summary-pdf': {
      // As renderSummary and build: only a packet without an error, every character printable.
      const whole = checked.glyphs.length === 0 ? validation.packet : undefined;
      if (!whole) return refused('数据有错误，不能生成汇总表', errorsOf(checked.problems));
      const forms = await summaryForms(context, whole, new Map());
      const chunks: Uint8Array[] = [];
      for await (const chunk of summaryPdfChunks(context, whole, forms, creationDate)) chunks.push(chunk);
      return made(Buffer.concat(chunks), `${SUMMARY_FILE_NAME}.pdf`, CONTENT_TYPE.pdf);
    }
    case 'workbook': {
      // As renderWorkbook: the data valid (a workbook prints no glyph, so the font does not matter).
      if (!validation.packet) return refused('数据有错误，不能写成填报工作簿', errorsOf(validation.diagnostics.map((d) => served(d, said, validation.projectNames))));
      // ExcelJS is loaded for a workbook only (it takes a while), as `shenbao xlsx` loads it.
      const { writeWorkbook } = await import('../render/workbook.js');
      return made(await writeWorkbook(validation.packet, { date: creationDate }), `${stem}.xlsx`, CONTENT_TYPE.xlsx);
    }
  }
}

const errorsOf = (problems: readonly ServedProblem[]) => problems.filter((p) => p.severity === 'error');
const made = (bytes: Uint8Array, name: string, type: string): Made => ({ download: { bytes, name, type } });
const refused = (error: string, problems: ServedProblem[]): Made => ({ refused: { error, problems } });

/**
 * Content-Disposition for a download named `name` (RFC 6266): the name in UTF-8 (RFC 5987's
 * filename*, which every current browser reads), and an ASCII stand-in for one that does not
 * (each run of other characters, and a quote, backslash or %, as `_`).
 */
export function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]+/g, '_').replace(/["\\%]/g, '_');
  // encodeURIComponent leaves ' ( ) * as they are; RFC 5987's attr-char has none of them.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
