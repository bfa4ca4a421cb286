/**
 * The documentation beside each rule (src/rules/docs.ts reads it) as the SARIF reporter
 * embeds it: a section, its first paragraph, as plain text.
 */

/** The paragraphs of a `## heading` section (to its next heading), or null. */
export function docSection(md: string, heading: string): string | null {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.trim().toLowerCase() === `## ${heading.toLowerCase()}`);
  if (start < 0) return null;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2}\s/.test(line)) break;
    body.push(line);
  }
  const text = body.join('\n').trim();
  return text === '' ? null : text;
}

/** Markdown as plain text, lightly: code marks and emphasis go, headings stay as lines. */
export function plainText(md: string): string {
  return md
    .split('\n')
    .filter((l) => !/^\s*```/.test(l))
    .map((l) => l.replace(/^#{1,6}\s+/, '').replace(/^>\s?/, '').replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The first paragraph of a markdown text, as one plain line. */
export function firstParagraph(md: string): string {
  return plainText(md.split(/\n\s*\n/)[0] ?? '').replace(/\s*\n\s*/g, ' ');
}
