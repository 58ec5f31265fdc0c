// A worker of the form pool (form-pool.ts): loads the fonts and templates once (each worker
// parses them once), then makes every form it is sent and posts the bytes back, moved rather than
// copied.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTemplates } from '../layout/templates.js';
import { loadFonts, type FontFiles, type SharedFontBytes } from '../render/fonts.js';
import { makeForm, type FormJob } from './forms.js';

const { fonts: fontFiles, templateDir, fontBytes } = workerData as { fonts: FontFiles; templateDir?: string; fontBytes?: SharedFontBytes };
// The fonts (two 15 MB files to parse, in memory shared with the build) once the first form is
// asked for (Word forms fit their amounts with them too).
let fonts: ReturnType<typeof loadFonts> | undefined;
const fontsOf = () => (fonts ??= loadFonts(fontFiles, fontBytes));
const templates = loadTemplates(templateDir);

// One form at a time, in the order sent: the next job waits here while this one is made.
let working: Promise<void> = Promise.resolve();
parentPort!.on('message', (message: { id: number; job: FormJob }) => {
  working = working.then(() => make(message));
});

async function make({ id, job }: { id: number; job: FormJob }): Promise<void> {
  try {
    const output = await makeForm(job, await fontsOf(), await templates);
    // Moved, not copied; but only a buffer of its own (a small Buffer may share Node's pool).
    const own = (bytes?: Uint8Array) => (bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : []);
    const transfer = [...own(output.pdf?.bytes), ...own(output.pdf?.pages), ...own(output.docx)];
    parentPort!.postMessage({ id, output }, transfer);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort!.postMessage({ id, error: { name: e.name, message: e.message, stack: e.stack } });
  }
}
