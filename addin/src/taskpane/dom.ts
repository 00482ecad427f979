// A tiny element builder: text always goes in as text nodes (never innerHTML), so reason
// messages, evidence and addresses from the API cannot inject markup into the pane.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | boolean | number | undefined | ((event: Event) => void)>,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K];
export function h(
  tag: string,
  attrs?: Record<string, unknown>,
  ...children: (Child | Child[])[]
): HTMLElement;
export function h(
  tag: string,
  attrs: Record<string, unknown> = {},
  ...children: (Child | Child[])[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function" && name.startsWith("on")) {
      element.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(
      typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child,
    );
  }
  return element;
}
