// Packet -> grid documents: one per 申报表, and the 汇总表 (front table, then every form, each
// starting on a new page with a bookmark named after the project).
import type { Packet, Project } from '../model/packet.js';
import type { GridDocument, GridSection } from './grid.js';
import type { FormTemplates } from './templates.js';
import { declarationView, summaryView } from './view.js';

export function declarationSections(templates: FormTemplates, project: Project, year: number): GridSection[] {
  const [first, ...rest] = templates.declaration(declarationView(project, year));
  if (!first) return [];
  return [{ ...first, bookmark: project.name }, ...rest];
}

export function declarationDocument(templates: FormTemplates, project: Project, year: number): GridDocument {
  return { sections: declarationSections(templates, project, year) };
}

/** The 汇总表; pass each form's sections when they are already laid out (see renderPdf's `laidOut`). */
export function summaryDocument(
  templates: FormTemplates,
  packet: Packet,
  declarations: GridSection[][] = packet.projects.map((p) => declarationSections(templates, p, packet.year)),
): GridDocument {
  return { sections: [...templates.summary(summaryView(packet)), ...declarations.flat()] };
}
