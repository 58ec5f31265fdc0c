// Loads the form templates (Handlebars over the markup subset) once, checks them as written,
// and turns a view model into grid sections. An office can point at its own template folder.
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Handlebars from 'handlebars';
import { fsFailure, UserError } from '../errors.js';
import { checkTemplateSource, parseMarkup } from './markup.js';
import type { GridSection } from './grid.js';
import type { DeclarationView, SummaryView } from './view.js';

/** The bundled templates: <package>/templates (same depth from src/layout and dist/layout). */
export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface FormTemplates {
  declaration(view: DeclarationView): GridSection[];
  summary(view: SummaryView): GridSection[];
  /** The template files, for messages. */
  files: { declaration: string; summary: string };
}

export async function loadTemplates(dir: string = DEFAULT_TEMPLATE_DIR): Promise<FormTemplates> {
  const handlebars = Handlebars.create();
  const partialDir = path.join(dir, 'partials');
  const partials = await readdir(partialDir).catch(() => [] as string[]);
  for (const file of partials.filter((f) => f.endsWith('.hbs'))) {
    handlebars.registerPartial(path.basename(file, '.hbs'), await readTemplate(path.join(partialDir, file)));
  }

  const load = async <View>(name: string) => {
    const file = path.join(dir, `${name}.hbs`);
    // strict: a misspelt field in a template fails loudly instead of printing blank.
    const render = handlebars.compile<View>(await readTemplate(file), { strict: true });
    return (view: View): GridSection[] => {
      let markup: string;
      try {
        markup = render(view);
      } catch (error) {
        throw new UserError(`模板 ${file}${describeRenderError((error as Error).message)}`);
      }
      return parseMarkup(markup, file);
    };
  };
  return {
    declaration: await load<DeclarationView>('declaration'),
    summary: await load<SummaryView>('summary'),
    files: { declaration: path.join(dir, 'declaration.hbs'), summary: path.join(dir, 'summary.hbs') },
  };
}

/** A template's text, checked against the markup subset as written. */
async function readTemplate(file: string): Promise<string> {
  const source = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw fsFailure(error, '读取模板', file);
  });
  checkTemplateSource(source, file);
  return source;
}

/** Handlebars says `"nmae" not defined in [object Object] - 1:6`; say it the office's way. */
function describeRenderError(message: string): string {
  const missing = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  return missing ? ` 第 ${missing[2]} 行：没有名为「${missing[1]}」的字段` : `：${message}`;
}
