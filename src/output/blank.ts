// A blank 申报表 (.docx) for a department to fill in Word or WPS: every label, empty value cells,
// and empty indicator rows under the usual groups. It is drawn as any form is (template → grid →
// renderDocx) from a project whose values are blank, so `extract` reads it back like a built form;
// indicator rows a department leaves empty are dropped there (extract/docx.ts).
import { declarationDocument } from '../layout/forms.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Indicator, Project } from '../model/packet.js';
import { renderDocx, type DocxFonts } from '../render/docx.js';
import { WORD_PROPERTY } from '../render/word-properties.js';

export interface BlankOptions {
  /** The year its year line prints. */
  year: number;
  /** The unit (custom property 单位). */
  unit?: string;
  /**
   * The packet's title (custom property 汇总表标题). Without it, extract makes the usual title from
   * the unit and the year the form prints (a department may change the year; a title stored here
   * would then disagree with it, and no one can see it to mend it).
   */
  title?: string;
  templates: FormTemplates;
  /** docProps/core.xml's dates. */
  creationDate: Date;
  fonts?: Partial<DocxFonts>;
}

/**
 * The groups a blank form offers, and how many empty rows each: the 二级 the seed packet uses most
 * (社会效益 and 可持续影响 far more than 经济效益), in the framework's order. A department adds rows
 * in a group, deletes them, or leaves them empty.
 */
export const BLANK_GROUPS: ReadonlyArray<{ level1: string; level2: string; rows: number }> = [
  { level1: '产出指标', level2: '数量指标', rows: 3 },
  { level1: '产出指标', level2: '质量指标', rows: 3 },
  { level1: '产出指标', level2: '时效指标', rows: 2 },
  { level1: '产出指标', level2: '成本指标', rows: 2 },
  { level1: '效益指标', level2: '经济效益指标', rows: 2 },
  { level1: '效益指标', level2: '社会效益指标', rows: 3 },
  { level1: '效益指标', level2: '可持续影响指标', rows: 2 },
  { level1: '满意度指标', level2: '服务对象满意度指标', rows: 2 },
];

export async function blankForm(options: BlankOptions): Promise<Buffer> {
  const grid = declarationDocument(options.templates, blankProject(), options.year, 0);
  const { title } = options;
  const properties = {
    ...(title !== undefined ? { [WORD_PROPERTY.title]: title } : {}),
    ...(options.unit !== undefined ? { [WORD_PROPERTY.unit]: options.unit } : {}),
  };
  return renderDocx(grid, {
    creationDate: options.creationDate,
    title: '财政项目支出绩效目标申报表',
    ...(title !== undefined ? { subject: title } : {}),
    properties,
    ...(options.fonts ? { fonts: options.fonts } : {}),
  });
}

/**
 * Blank values: not a valid project (it is drawn, never validated), so typed by assertion. Blank
 * amounts are left out (printed empty), and so is the overall goal (its heading stays 项目总目标).
 */
function blankProject(): Project {
  const indicators: Indicator[] = BLANK_GROUPS.flatMap(({ level1, level2, rows }) => Array.from({ length: rows }, () => ({ level1, level2, name: '', target: '' })));
  const blank = {
    name: '',
    nature: '',
    category: '',
    department: '',
    implementer: '',
    startDate: '',
    endDate: '',
    funds: { project: {}, annual: {} },
    annualGoal: '',
    indicators,
  };
  return blank as unknown as Project;
}
