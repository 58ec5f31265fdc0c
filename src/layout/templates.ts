// Loads the form templates (Handlebars over the markup subset) once, checks them as written,
// and turns a view model into grid sections. An office can point at its own template folder.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Handlebars from 'handlebars';
import { UserError } from '../errors.js';
import { INPUT, readInput } from '../files.js';
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
  /**
   * Every character the templates' own text can print (labels, titles): their source as written.
   * Undefined when a template could print a character that neither its source nor the data shows:
   * any `&` (a character reference, `&#x4E00;`, even one a tag splits: `&{{!}}#x4E00;`), or
   * `lookup` (which can print half of a data character).
   */
  ownCharacters: ReadonlySet<string> | undefined;
}

export async function loadTemplates(dir: string = DEFAULT_TEMPLATE_DIR): Promise<FormTemplates> {
  const handlebars = Handlebars.create();
  const sources: string[] = [];
  const read = async (file: string) => {
    const source = await readTemplate(file);
    sources.push(source);
    return source;
  };
  const partialDir = path.join(dir, 'partials');
  const partials = await readdir(partialDir).catch(() => [] as string[]);
  for (const file of partials.filter((f) => f.endsWith('.hbs'))) {
    handlebars.registerPartial(path.basename(file, '.hbs'), await read(path.join(partialDir, file)));
  }

  const load = async <View>(name: string) => {
    const file = path.join(dir, `${name}.hbs`);
    // strict: a misspelt field in a template fails loudly instead of printing blank.
    const render = handlebars.compile<View>(await read(file), { strict: true });
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
  const declaration = await load<DeclarationView>('declaration');
  const summary = await load<SummaryView>('summary');
  const text = sources.join('');
  return {
    declaration,
    summary,
    files: { declaration: path.join(dir, 'declaration.hbs'), summary: path.join(dir, 'summary.hbs') },
    ownCharacters: /&|\blookup\b/.test(text) ? undefined : new Set(text),
  };
}

/**
 * A template's text, checked against the markup subset as written. Only a regular file of at most
 * MAX_TEMPLATE_BYTES: a FIFO named like a partial would make every build wait for ever.
 */
async function readTemplate(file: string): Promise<string> {
  const source = (await readInput(file, INPUT.template)).toString('utf8');
  checkTemplateSource(source, file);
  return source;
}

/** Handlebars says `"nmae" not defined in [object Object] - 1:6`; say it the office's way. */
function describeRenderError(message: string): string {
  const missing = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  return missing ? ` 第 ${missing[2]} 行：没有名为「${missing[1]}」的字段` : `：${message}`;
}
