/**
 * A strict parser for the Mermaid flowchart subset the markdown reporter writes (no Mermaid
 * parser runs under Node without a DOM: `mermaid.parse()` needs DOMPurify, which needs a
 * window). Anything outside the subset is an error, so the checker is stricter than Mermaid:
 *
 *   flowchart LR|RL|TB|TD|BT
 *   <id>["<label>"]                       a node, declared once, before any edge uses it
 *   <id> -->|"<label>"| <id>              an edge (==> for a thick one)
 *   linkStyle <n>[,<n>…] <prop>:<value>[,<prop>:<value>…]
 *
 * ids are `n<number>`; a label is a quoted string with no raw `"`, `#`, `&`, `<`, `>`, backtick
 * or line break: those are entity codes (`#quot;`, `#35;`, …), decoded here as Mermaid does.
 */

export interface ParsedFlowchart {
  readonly direction: string;
  readonly nodes: Map<string, string>;
  readonly edges: { readonly from: string; readonly to: string; readonly label: string; readonly thick: boolean }[];
  readonly linkStyles: { readonly indices: number[]; readonly style: string }[];
}

const ID = 'n\\d+';
const LABEL = '"((?:[^"#&<>`\\r\\n]|#(?:quot|amp|lt|gt|\\d+);)*)"';
const NODE = new RegExp(`^  (${ID})\\[${LABEL}\\]$`);
const EDGE = new RegExp(`^  (${ID}) (-->|==>)\\|${LABEL}\\| (${ID})$`);
const STYLE_PROP = '[a-z-]+:[#A-Za-z0-9.%() -]+';
const LINK_STYLE = new RegExp(`^  linkStyle (\\d+(?:,\\d+)*) (${STYLE_PROP}(?:,${STYLE_PROP})*)$`);

const NAMED: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>' };

export function decodeLabel(s: string): string {
  return s.replace(/#(quot|amp|lt|gt|\d+);/g, (_, e: string) => NAMED[e] ?? String.fromCodePoint(Number(e)));
}

export function parseFlowchart(text: string): ParsedFlowchart {
  const lines = text.split('\n');
  const head = /^flowchart (LR|RL|TB|TD|BT)$/.exec(lines[0] ?? '');
  if (!head) throw new Error(`line 1: expected "flowchart <direction>", got ${JSON.stringify(lines[0])}`);
  const out: ParsedFlowchart = { direction: head[1]!, nodes: new Map(), edges: [], linkStyles: [] };
  lines.slice(1).forEach((line, i) => {
    const at = `line ${i + 2}`;
    let m: RegExpExecArray | null;
    if ((m = NODE.exec(line))) {
      if (out.edges.length > 0) throw new Error(`${at}: node ${m[1]} declared after the edges`);
      if (out.nodes.has(m[1]!)) throw new Error(`${at}: node ${m[1]} declared twice`);
      out.nodes.set(m[1]!, decodeLabel(m[2]!));
    } else if ((m = EDGE.exec(line))) {
      for (const id of [m[1]!, m[4]!]) if (!out.nodes.has(id)) throw new Error(`${at}: edge uses undeclared node ${id}`);
      out.edges.push({ from: m[1]!, to: m[4]!, label: decodeLabel(m[3]!), thick: m[2] === '==>' });
    } else if ((m = LINK_STYLE.exec(line))) {
      const indices = m[1]!.split(',').map(Number);
      for (const n of indices) if (n >= out.edges.length) throw new Error(`${at}: linkStyle ${n} but only ${out.edges.length} edges`);
      out.linkStyles.push({ indices, style: m[2]! });
    } else {
      throw new Error(`${at}: not in the flowchart subset: ${JSON.stringify(line)}`);
    }
  });
  return out;
}

/** The bodies of the ```mermaid blocks of a markdown text. */
export function mermaidBlocks(md: string): string[] {
  const out: string[] = [];
  const re = /^```mermaid\n([\s\S]*?)\n```$/gm;
  for (let m = re.exec(md); m; m = re.exec(md)) out.push(m[1]!);
  return out;
}
