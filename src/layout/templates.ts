// Loads the form templates (Handlebars over the markup subset) once, checks them as written,
// and turns a view model into grid sections. An office can point at its own template folder.
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Handlebars from 'handlebars';
import { UserError } from '../errors.js';
import { checkTemplateSource, parseMarkup } from './markup.js';
import type { GridSection } from './grid.js';
import type { DeclarationView, SummaryView } from './view.js';

/** The bundled templates: <package>/templates (same depth from src/layout and dist/layout). */
export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface FormTemplates {
  declaration(view: DeclarationView): GridSection[];
  summary(view: SummaryView): GridSection[];
}

export async function loadTemplates(dir: string = DEFAULT_TEMPLATE_DIR): Promise<FormTemplates> {
  const handlebars = Handlebars.create();
  const partialDir = path.join(dir, 'partials');
  const partials = await readdir(partialDir).catch(() => [] as string[]);
  for (const file of partials.filter((f) => f.endsWith('.hbs'))) {
    const source = await readFile(path.join(partialDir, file), 'utf8');
    checkTemplateSource(source, path.join(partialDir, file));
    handlebars.registerPartial(path.basename(file, '.hbs'), source);
  }

  const load = async <View>(name: string) => {
    const file = path.join(dir, `${name}.hbs`);
    const source = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UserError(`无法读取模板 ${file}：${error.code ?? error.message}`);
    });
    checkTemplateSource(source, file);
    // strict: a misspelt field in a template fails loudly instead of printing blank.
    const render = handlebars.compile<View>(source, { strict: true });
    return (view: View): GridSection[] => parseMarkup(render(view), file);
  };
  return {
    declaration: await load<DeclarationView>('declaration'),
    summary: await load<SummaryView>('summary'),
  };
}
