// Turns the parsed Markdown tree into DOM with createElement and textContent only: message text
// never passes through innerHTML, so a message cannot inject markup or script.
import { type Block, type Inline, parseMarkdown } from './markdown.ts';

export function renderMarkdown(source: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const block of parseMarkdown(source)) frag.append(renderBlock(block));
  return frag;
}

function renderBlock(block: Block): HTMLElement {
  if (block.t === 'p') return withChildren(document.createElement('p'), block.children);
  const list = document.createElement(block.t);
  for (const item of block.items) list.append(withChildren(document.createElement('li'), item));
  return list;
}

function withChildren<T extends HTMLElement>(el: T, children: Inline[]): T {
  for (const child of children) el.append(renderInline(child));
  return el;
}

function renderInline(node: Inline): Node {
  switch (node.t) {
    case 'text':
      return document.createTextNode(node.text);
    case 'br':
      return document.createElement('br');
    case 'code': {
      const code = document.createElement('code');
      code.textContent = node.text;
      return code;
    }
    case 'strong':
    case 'em':
      return withChildren(document.createElement(node.t), node.children);
    case 'link': {
      const a = withChildren(document.createElement('a'), node.children);
      a.href = node.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer nofollow';
      return a;
    }
  }
}
