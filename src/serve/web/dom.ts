// A small element builder: the page is plain DOM, built from the data (no framework to ship).

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Omit<HTMLElementTagNameMap[K], 'dataset' | 'style'>> & { dataset?: Record<string, string>; class?: string } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { dataset, class: className, ...rest } = props;
  Object.assign(element, rest);
  if (className) element.className = className;
  if (dataset) Object.assign(element.dataset, dataset);
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`页面缺少 #${id}`);
  return element as T;
}

/** A button that runs `action` when clicked. */
export function button(label: string, action: () => void, props: { title?: string; class?: string; dataset?: Record<string, string> } = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', textContent: label, ...props });
  b.addEventListener('click', action);
  return b;
}
