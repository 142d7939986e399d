type Attrs = { class?: string; text?: string; title?: string; [data: `data-${string}`]: string };

/** An element with a class, text and data attributes: the page's only way to build DOM (no innerHTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  if (children.length > 0) node.append(...children);
  return node;
}

/** Sets a data attribute only when it changes: an unchanged write still invalidates styles. */
export function setData(node: HTMLElement, key: string, value: string): void {
  if (node.dataset[key] !== value) node.dataset[key] = value;
}

/** Sets text only when it changes. */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** The element with this id; a page without it is a broken build, said at once. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`dashboard: #${id} is missing from index.html`);
  return node as T;
}

/** Copies text; resolves false when the browser refuses (no clipboard permission, not https). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el('textarea', { class: 'offscreen' });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** A small "copy" button for an id; says "copied" for a moment. */
export function copyButton(value: string, label = 'copy'): HTMLButtonElement {
  const button = el('button', {
    class: 'copy',
    title: `copy ${value}`,
    text: label,
    'data-copy': value,
  });
  button.type = 'button';
  return button;
}

/** Wires every `[data-copy]` button under `root` (one listener, for rows that come and go). */
export function handleCopyButtons(root: HTMLElement): void {
  root.addEventListener('click', (ev) => {
    const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-copy]');
    if (button === null) return;
    ev.stopPropagation();
    void copyText(button.dataset['copy'] ?? '').then((ok) => {
      const label = button.textContent;
      button.textContent = ok ? 'copied' : 'copy failed';
      setTimeout(() => (button.textContent = label), 1200);
    });
  });
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** `1,234` */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}
