// shenbao's own version, from package.json (one folder up from src/ and from dist/):
// written into every PDF (Producer) and every manifest.
import { readFileSync } from 'node:fs';

export const SHENBAO_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
