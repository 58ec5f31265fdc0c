// Packet -> grid documents: one per 申报表, and the 汇总表 (front table, then every form, each
// starting on a new page with a bookmark named after the project). Every data cell leaves here
// with its absolute path in the packet (['projects', 2, 'funds', 'annual', 'total']).
import type { Display, Packet, Project } from '../model/packet.js';
import type { GridDocument, GridSection } from './grid.js';
import { FORM_PAGE } from './page-style.js';
import { checkDeclarationCoverage, checkSummaryCoverage, checkTemplateCoverage } from './coverage.js';
import { anchorPaths } from './markup.js';
import type { FormTemplates } from './templates.js';
import { declarationView, summaryView } from './view.js';

/**
 * The 申报表 of `project`, which is `packet.projects[index]` (its cells' paths say so), in the
 * packet's house style `display`.
 */
export function declarationSections(templates: FormTemplates, project: Project, year: number, index: number, display?: Display): GridSection[] {
  checkTemplateCoverage(templates, display);
  const sections = anchorPaths(templates.declaration(declarationView(project, year, display)), ['projects', index]);
  checkDeclarationCoverage(templates.files.declaration, sections, project, index, year, display);
  const [first, ...rest] = sections;
  if (!first) return [];
  return [{ ...first, bookmark: project.name }, ...rest];
}

export function declarationDocument(templates: FormTemplates, project: Project, year: number, index: number, display?: Display): GridDocument {
  return { page: FORM_PAGE, sections: declarationSections(templates, project, year, index, display) };
}

/** The 汇总表: its front table, then every form. Pass the forms' sections when they are already paginated. */
export function summaryDocument(
  templates: FormTemplates,
  packet: Packet,
  declarations: GridSection[][] = packet.projects.map((p, i) => declarationSections(templates, p, packet.year, i, packet.display)),
): GridDocument {
  checkTemplateCoverage(templates, packet.display);
  const front = anchorPaths(templates.summary(summaryView(packet)), []);
  checkSummaryCoverage(templates.files.summary, front, packet);
  return { page: FORM_PAGE, sections: [...front, ...declarations.flat()] };
}

/**
 * The 汇总表's sections in order, made as they are taken: the front table, then one form at a
 * time (a packet of thousands of forms is never held whole). The page is FORM_PAGE.
 */
export function* summarySections(templates: FormTemplates, packet: Packet): Generator<GridSection> {
  yield* summaryDocument(templates, packet, []).sections;
  for (const [i, project] of packet.projects.entries()) yield* declarationSections(templates, project, packet.year, i, packet.display);
}
