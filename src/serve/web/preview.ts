// The preview: the form's PDF as the server made it, drawn page by page with pdf.js, and over it
// the data path of every placed line of text, so a click on the form selects the field it shows.
import { getDocument, GlobalWorkerOptions, PDFWorker, type PDFDocumentProxy } from 'pdfjs-dist';
import type { PreviewAnswer, PreviewBox } from '../contract.js';
import { h } from './dom.js';

// pdf.js's worker ships beside the page's script (scripts/build-web.mjs): nothing from elsewhere.
GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.min.mjs';

/** How far (pt) from a line of text a click still selects it: a cell is wider than its text. */
const NEAR = 24;

/** Pages drawn before the new preview is swapped in; the others as they come into view. */
const FIRST_PAGES = 2;

export class Preview {
  private drawn = 0;
  /** One worker for every preview: a new one per document would load and start its 1 MB script each time. */
  private readonly worker = new PDFWorker();
  /** The preview shown: its document (its later pages are drawn from it) and what draws them. */
  private shown: { pdf: PDFDocumentProxy; observer: IntersectionObserver } | undefined;

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
    this.release();
  }

  private release(): void {
    this.shown?.observer.disconnect();
    void this.shown?.pdf.destroy();
    this.shown = undefined;
  }

  /**
   * Shows the answer's pages in place of the ones shown (kept until the new first pages are
   * drawn). Only the first pages are drawn at once, the rest when they are scrolled into view: a
   * form of 180 pages would keep the page busy for seconds. Drawing stops when `wanted` says a
   * newer preview is coming.
   */
  async show(answer: PreviewAnswer, wanted: () => boolean): Promise<boolean> {
    const pdf = await getDocument({ data: fromBase64(answer.pdf), isEvalSupported: false, worker: this.worker }).promise;
    const width = Math.max(300, this.holder.clientWidth - 16);
    const pages: HTMLElement[] = [];
    const draw = async (n: number, slot: HTMLElement) => {
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
      slot.replaceChildren(canvas);
    };
    try {
      for (let n = 1; n <= pdf.numPages; n++) {
        const size = answer.pages[n - 1];
        // Until drawn, a page holds its place at its size, so the scroll bar is the document's.
        const slot = h('div', { class: 'page', dataset: { page: String(n) } });
        if (size) slot.style.minHeight = `${Math.round((width * size.height) / size.width)}px`;
        pages.push(slot);
        if (n <= FIRST_PAGES) {
          if (n > 1) await new Promise(requestAnimationFrame);
          if (!wanted()) throw new Error('superseded');
          await draw(n, slot);
        }
      }
    } catch (error) {
      await pdf.destroy();
      if ((error as Error).message === 'superseded') return false;
      throw error;
    }
    if (!wanted()) {
      await pdf.destroy();
      return false;
    }
    this.release();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          const slot = entry.target as HTMLElement;
          draw(Number(slot.dataset.page), slot).catch(() => undefined); // a preview replaced meanwhile: its document is gone
        }
      },
      { root: this.holder.closest('#preview'), rootMargin: '400px 0px' },
    );
    this.shown = { pdf, observer };
    this.holder.replaceChildren(...pages);
    for (const slot of pages.slice(FIRST_PAGES)) observer.observe(slot);
    this.pageCount = pages.length;
    this.holder.dataset.drawn = String(++this.drawn);
    return true;
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
