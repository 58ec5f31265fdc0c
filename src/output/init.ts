// `shenbao init [folder]`: a folder to start writing data in. Three new files:
//   申报数据.json            a data file that validates: one example project with every field
//                            filled, for the user to replace;
//   packet.schema.json       the schema (model/json-schema.ts), beside the data;
//   .vscode/settings.json    maps the folder's data files to that schema (VS Code's json.schemas).
// The data file names no schema ("$schema"): the folder's settings do, so a copy of the file
// elsewhere carries no broken path. Nothing existing is ever overwritten: if any of the three is
// there, nothing is written.
import { constants } from 'node:fs';
import { access, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, fsFailure, fsStep, isErrno, READ, UserError } from '../errors.js';
import { lookAt, writeNewFile } from '../files.js';
import { packetJsonSchema, SCHEMA_FILE } from '../model/json-schema.js';
import type { Packet } from '../model/packet.js';

export const STARTER_FILE = '申报数据.json';
export const SETTINGS_FILE = path.join('.vscode', 'settings.json');

/**
 * Which files of the folder VS Code checks against the schema: every .json but the schema itself,
 * VS Code's own settings, and what a build writes into out/ (manifest.json is no data file).
 */
export const SCHEMA_FILE_MATCH = ['*.json', '!*.schema.json', '!.vscode/*.json', '!out/**'] as const;

/** The example a new folder starts with: a 阶段性项目 across two years, so every field has a use. */
export function starterPacket(year: number): Packet {
  const next = year + 1;
  return {
    title: `示例单位${year}年度项目绩效目标汇总表`,
    unit: '示例单位',
    year,
    display: { dateFormat: 'yyyy-MM-dd', zeroAmount: '0.00', yearBrackets: 'ascii' },
    projects: [
      {
        name: '示例项目（请改成本单位的项目名称）',
        nature: '阶段性项目',
        category: '特定目标类',
        department: '示例主管部门',
        implementer: '示例实施单位',
        startDate: `${year}-03-01`,
        endDate: `${next}-11-30`,
        funds: {
          project: { total: '500000.00', fiscal: '450000.00', other: '50000.00' },
          annual: { total: '300000.00', fiscal: '250000.00', carryover: '30000.00', other: '20000.00' },
        },
        overallGoalHeading: `项目总体目标(${year}年-${next}年)`,
        overallGoal: `${year}年至${next}年，为辖区居民开办业务培训，两年共培训800人次。\n（示例文字：请改写成本项目的总目标；没有总目标时删去这一项和上面的标题）`,
        annualGoal: `${year}年完成培训4场、培训400人次，参训人员满意度不低于85%。\n（示例文字：请改写成本年度的目标）`,
        indicators: [
          { level1: '产出指标', level2: '数量指标', name: '培训场次', target: '≥4(场)' },
          { level1: '产出指标', level2: '质量指标', name: '培训合格率', target: '≥95(%)' },
          { level1: '产出指标', level2: '时效指标', name: '培训完成时间', target: `${year}年11月底前` },
          { level1: '产出指标', level2: '成本指标', name: '人均培训成本', target: '≤600(元)' },
          { level1: '效益指标', level2: '社会效益指标', name: '参训人员业务能力', target: '提升' },
          { level1: '效益指标', level2: '可持续影响指标', name: '培训课程长期使用', target: '持续' },
          { level1: '满意度指标', level2: '服务对象满意度指标', name: '参训人员满意度', target: '≥85(%)' },
        ],
      },
    ],
  };
}

/** .vscode/settings.json: the folder's data files checked against the schema beside them. */
export function editorSettings(): string {
  const settings = { 'json.schemas': [{ fileMatch: [...SCHEMA_FILE_MATCH], url: `./${SCHEMA_FILE}` }] };
  return `${JSON.stringify(settings, null, 2)}\n`;
}

export interface InitOptions {
  /** The example's 年度. */
  year: number;
}

/** The three files written into `folder` (made if missing), in the order written; see above. */
export async function initFolder(folder: string, { year }: InitOptions): Promise<string[]> {
  const found = await fsStep(READ, folder, () => lookAt(folder));
  if (found.kind !== 'missing' && found.kind !== 'directory')
    throw new UserError(`${folder} 不是文件夹：shenbao init 要在一个文件夹里写出示例数据，请换一个文件夹名`);
  const contents: Array<[string, string]> = [
    [path.join(folder, STARTER_FILE), `${JSON.stringify(starterPacket(year), null, 2)}\n`],
    [path.join(folder, SCHEMA_FILE), packetJsonSchema()],
    [path.join(folder, SETTINGS_FILE), editorSettings()],
  ];
  const taken: string[] = [];
  const editorFolder = path.join(folder, '.vscode');
  const editorFound = await fsStep(READ, editorFolder, () => lookAt(editorFolder));
  if (editorFound.kind !== 'missing' && editorFound.kind !== 'directory') taken.push(editorFolder);
  else for (const [file] of contents) if ((await fsStep(READ, file, () => lookAt(file))).kind !== 'missing') taken.push(file);
  if (taken.length > 0) throw new UserError(takenMessage(taken, folder));

  // The folders written into are checked first: the file system's refusal, said for init (which has no -o).
  for (const [dir, kind] of [[folder, found.kind], [editorFolder, editorFound.kind]] as const) {
    if (kind === 'directory') await access(dir, constants.W_OK).catch((error: unknown) => Promise.reject(initFailure(error, '写入', dir)));
  }
  await mkdir(editorFolder, { recursive: true }).catch((error: unknown) => Promise.reject(initFailure(error, '创建文件夹', editorFolder)));
  const written: string[] = [];
  try {
    for (const [file, content] of contents) {
      await writeNewFile(file, content);
      written.push(file);
    }
  } catch (error) {
    // A file put there meanwhile: take back what this run wrote, so that "nothing written" holds.
    for (const file of written) await unlink(file).catch(() => undefined);
    throw error;
  }
  return written;
}

/** A file-system refusal as init says it: another folder is another argument to init, not -o. */
function initFailure(error: unknown, action: '写入' | '创建文件夹', target: string): Error {
  const elsewhere = '或换一个文件夹：shenbao init 另一个文件夹名';
  if (isErrno(error)) {
    const place = `${action} ${target}`;
    switch (error.code) {
      case 'EACCES':
      case 'EPERM':
        return new EnvironmentError(`没有权限${place}：请检查这个文件夹的权限，${elsewhere}`);
      case 'EROFS':
        return new EnvironmentError(`无法${place}：所在的磁盘是只读的，请换一个文件夹：shenbao init 另一个文件夹名`);
      case 'ENOSPC':
      case 'EDQUOT':
        return new EnvironmentError(`磁盘空间不足，无法${place}：请清理磁盘空间，${elsewhere}`);
    }
  }
  return fsFailure(error, action, target);
}

function takenMessage(taken: string[], folder: string): string {
  const settings = taken.find((file) => file === path.join(folder, SETTINGS_FILE));
  const advice = settings
    ? `；已有的 ${settings} 可以自己加上这一项：\n"json.schemas": ${JSON.stringify([{ fileMatch: [...SCHEMA_FILE_MATCH], url: `./${SCHEMA_FILE}` }])}`
    : '';
  return `${taken.join('、')} 已存在：shenbao init 不会覆盖已有的文件，这次什么也没有写。请换一个新的文件夹，或先把${taken.length > 1 ? '它们' : '它'}移走${advice}`;
}
