// Every value of the data must stand on the form. An office's own template that drops a cell
// (or a whole table: an empty declaration.hbs gives blank pages) would otherwise print forms that
// look finished and lack fields; here such a template is refused, naming the field it misses.
// A cell counts by its `field` attribute, so the check also keeps templates honest about those.
import type { Packet, Project } from '../model/packet.js';
import { UserError } from '../errors.js';
import type { DataPath, GridSection } from './grid.js';

/** The data paths a 申报表 of `project` must show, relative to the project. */
function declarationFields(project: Project): DataPath[] {
  const { project: whole } = project.funds;
  return [
    ['name'],
    ['nature'],
    ['category'],
    ['department'],
    ['implementer'],
    ['startDate'],
    ['endDate'],
    ...(['total', 'fiscal', 'other'] as const).filter((k) => whole[k] !== undefined).map((k) => ['funds', 'project', k]),
    ...(['total', 'fiscal', 'carryover', 'other'] as const).map((k) => ['funds', 'annual', k]),
    ...(project.overallGoal !== undefined ? [['overallGoal']] : []),
    ['annualGoal'],
    ...project.indicators.flatMap((_, i) => [
      ['indicators', i, 'name'],
      ['indicators', i, 'target'],
    ]),
  ];
}

/** The data paths the 汇总表's own table must show, relative to the packet. */
function summaryFields(packet: Packet): DataPath[] {
  return packet.projects.flatMap((_, i) => [
    ['projects', i, 'name'],
    ...(['total', 'fiscal', 'carryover', 'other'] as const).map((k) => ['projects', i, 'funds', 'annual', k]),
  ]);
}

function shown(sections: readonly GridSection[]): Set<string> {
  const paths = new Set<string>();
  for (const section of sections)
    for (const block of section.blocks) {
      if (block.type === 'heading') {
        if (block.path) paths.add(JSON.stringify(block.path));
      } else for (const row of block.rows) for (const cell of row.cells) if (cell.path) paths.add(JSON.stringify(cell.path));
    }
  return paths;
}

function check(template: string, sections: readonly GridSection[], base: DataPath, required: DataPath[]): void {
  const paths = shown(sections);
  const missing = required.filter((p) => !paths.has(JSON.stringify([...base, ...p])));
  if (missing.length === 0) return;
  const names = missing.slice(0, 5).map((p) => p.join('.'));
  throw new UserError(
    `模板 ${template} 没有印出这些字段：${names.join('、')}${missing.length > 5 ? ` 等 ${missing.length} 个` : ''}。` +
      `表上每个数据都要有一个写明 field="…" 的单元格（见 README「模板与表格网格」）`,
  );
}

export function checkDeclarationCoverage(template: string, sections: readonly GridSection[], project: Project, index: number): void {
  check(template, sections, ['projects', index], declarationFields(project));
}

export function checkSummaryCoverage(template: string, sections: readonly GridSection[], packet: Packet): void {
  check(template, sections, [], summaryFields(packet));
}
