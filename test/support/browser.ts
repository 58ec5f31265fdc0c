// A real browser for the tests of `shenbao serve`'s page: headless Chromium from Debian's packages
// (`apt-get install chromium`; .ci/run installs it where it is missing), driven by playwright-core.
// SHENBAO_CHROMIUM names another executable. No browser is downloaded.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];

export function chromiumPath(): string {
  const named = process.env.SHENBAO_CHROMIUM;
  if (named) return named;
  const found = CANDIDATES.find((file) => existsSync(file));
  if (!found) throw new Error(`没有找到 Chromium（找过 ${CANDIDATES.join('、')}）：浏览器测试要用它。请运行 sudo apt-get install -y chromium，或用 SHENBAO_CHROMIUM 指明它的位置`);
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // No sandbox (CI runs as root), no GPU, and nothing fetched from the network by the browser itself.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
