// The preview: the form's PDF as the server made it, drawn page by page with pdf.js, and over it
// the data path of every placed line of text, so a click on the form selects the field it shows.
import { getDocument, GlobalWorkerOptions, PDFWorker } from 'pdfjs-dist';
import type { PreviewAnswer, PreviewBox } from '../contract.js';
import { h } from './dom.js';

// pdf.js's worker ships beside the page's script (scripts/build-web.mjs): nothing from elsewhere.
GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.min.mjs';

/** How far (pt) from a line of text a click still selects it: a cell is wider than its text. */
const NEAR = 24;

export class Preview {
  private drawn = 0;
  /** One worker for every preview: a new one per document would load and start its 1 MB script each time. */
  private readonly worker = new PDFWorker();

  constructor(
    private readonly holder: HTMLElement,
    private readonly select: (path: string) => void,
  ) {}

  /** The page count of the preview shown last. */
  pageCount = 0;

  /** No pages: another file or project is being shown. */
  clear(): void {
    this.holder.replaceChildren();
    this.pageCount = 0;
  }

  /**
   * Draws the answer's pages in place of the ones shown (kept until the new ones are ready). Each
   * page is drawn in a frame of its own, so keys typed meanwhile are not kept waiting; drawing
   * stops when `wanted` says a newer preview is coming.
   */
  async show(answer: PreviewAnswer, wanted: () => boolean): Promise<boolean> {
    const bytes = fromBase64(answer.pdf);
    const pdf = await getDocument({ data: bytes, isEvalSupported: false, worker: this.worker }).promise;
    try {
      const width = Math.max(300, this.holder.clientWidth - 16);
      const pages: HTMLElement[] = [];
      for (let n = 1; n <= pdf.numPages; n++) {
        if (n > 1) await new Promise(requestAnimationFrame);
        if (!wanted()) return false;
        const page = await pdf.getPage(n);
        const placed = answer.pages[n - 1];
        const scale = width / page.getViewport({ scale: 1 }).width;
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: scale * ratio });
        const canvas = h('canvas', { width: Math.ceil(viewport.width), height: Math.ceil(viewport.height), title: '点击表上的一格，选中它的栏目' });
        canvas.style.width = `${Math.round(viewport.width / ratio)}px`;
        await page.render({ canvas, viewport }).promise;
        canvas.addEventListener('click', (event) => {
          const box = placed && nearestBox(placed.boxes, event.offsetX / scale, event.offsetY / scale);
          if (box) this.select(box.path);
        });
        pages.push(h('div', { class: 'page', dataset: { page: String(n) } }, canvas));
      }
      if (!wanted()) return false;
      this.holder.replaceChildren(...pages);
      this.pageCount = pages.length;
      this.holder.dataset.drawn = String(++this.drawn);
      return true;
    } finally {
      await pdf.destroy();
    }
  }
}

/** The line of text under (x, y) in pt, or the nearest within NEAR. */
export function nearestBox(boxes: readonly PreviewBox[], x: number, y: number): PreviewBox | undefined {
  let best: PreviewBox | undefined;
  let bestDistance = NEAR;
  for (const box of boxes) {
    const dx = Math.max(box.x - x, 0, x - (box.x + box.width));
    const dy = Math.max(box.y - y, 0, y - (box.y + box.height));
    const distance = Math.hypot(dx, dy);
    if (distance < bestDistance || (distance === 0 && bestDistance === 0)) {
      best = box;
      bestDistance = distance;
    }
  }
  return best;
}

/** Base64 to bytes: the browser's own decoder where it has one (Chromium 140, Firefox 133), else atob's. */
function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
  if (native) return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
