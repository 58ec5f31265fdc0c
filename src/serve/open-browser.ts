// `shenbao serve --open`: the address opened in the user's browser, as the system opens a link
// (BROWSER names another program, as for other command-line tools). Never waits for the browser.
import { spawn } from 'node:child_process';

/** The command that opens `url` here: BROWSER if set, else the system's own opener. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform, browser = process.env.BROWSER): [string, string[]] {
  if (browser) return [browser, [url]];
  // Windows: through the URL handler, not `start` (cmd would read the address's characters).
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  if (platform === 'darwin') return ['open', [url]];
  return ['xdg-open', [url]];
}

/** Starts the browser on `url`; resolves to why it could not be started, or undefined once it started. */
export function openInBrowser(url: string): Promise<string | undefined> {
  const [command, args] = browserCommand(url);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? `找不到 ${command}` : error.message));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}
