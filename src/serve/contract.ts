// What the server and the page (src/serve/web/) say to each other: the shapes of the page's model
// and of the API's answers. Types only, so both sides compile against one definition: the server
// for Node, the page for the browser (this file imports nothing, so the page's
// compile sees no Node module).
/** A field of the form as the page shows it: the fill-in workbook's table (model/workbook.ts), one source for both. */
export interface FieldSpec {
  header: string;
  /** From the packet (unit fields) or from the project / the indicator. */
  path: readonly string[];
  /** As model/workbook.ts's CellKind. */
  kind: 'text' | 'goal' | 'money' | 'date' | 'year';
  required: boolean;
  list?: { values: readonly string[]; strict: boolean };
  /** A choice whose words differ from its value in the data (零金额 留空 is ''): [words, value]; none chosen is the default. */
  choices?: ReadonlyArray<readonly [string, string]>;
}

/** Embedded in the page as JSON: the fields and the indicator framework. */
export interface PageModel {
  unitFields: FieldSpec[];
  projectFields: FieldSpec[];
  indicatorFields: FieldSpec[];
  level2ByLevel1: Record<string, readonly string[]>;
}

/** A problem as `--json` gives it (model/diagnostic.ts), with its line of text. */
export interface ProblemView {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint?: string;
  project?: { number: number; name?: string };
  /** validate's path text: projects[0].indicators[3].target */
  path?: string;
  field?: string;
  text: string;
}

export interface FileEntry {
  name: string;
  kind?: 'json' | 'workbook';
  size: number;
  modified: string;
}

/** GET /api/packet and GET /api/new. */
export interface OpenedFile {
  text: string;
  /** The version of the file saves go to (null: it does not exist yet). */
  version: string | null;
  /** Where a save goes: the file itself, X.json for a workbook X.xlsx, null for a new packet. */
  saveAs: string | null;
  problems?: ProblemView[];
}

/** A line of placed text with its data path, in pt from the page's top left. */
export interface PreviewBox {
  path: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** POST /api/preview with Accept: application/json. */
export interface PreviewAnswer {
  /** The form's PDF, base64. */
  pdf: string;
  pages: Array<{ width: number; height: number; boxes: PreviewBox[] }>;
}

/** POST /api/build answers one of these per line: progress, then how it ended. */
export type BuildLine =
  | { type: 'progress'; done: number; total: number; message: string }
  /** `outDir` and `files` relative to the served folder, with `/`; `problems`: the build's warnings. */
  | { type: 'done'; outDir: string; files: string[]; problems: ProblemView[] }
  | { type: 'failed'; error: string; problems: ProblemView[] };
