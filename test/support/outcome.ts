// The outcome of work done once for the run, in whichever process does it (the seed's build in
// the global setup, `npm pack` in the first file that asks), for the others to wait for: a JSON
// file written whole, holding the result or `{ "error": … }`.
import { readFile, rename, writeFile } from 'node:fs/promises';

/** Write `outcome` to `file` whole (beside it first, then renamed): a reader never sees half of it. */
export async function writeOutcome(file: string, outcome: object): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(outcome));
  await rename(`${file}.tmp`, file);
}

/** The outcome in `file` once it is there; its error thrown, naming `work`. */
export async function awaitOutcome<T>(file: string, work: string): Promise<T> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const outcome = JSON.parse(text) as T & { error?: string };
      if (typeof outcome.error === 'string') throw new Error(`${work} failed: ${outcome.error}`);
      return outcome;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
