// What a reader of the job summary sees, from a real Markdown parser (marked, GitHub-flavoured):
// the headings, images and links of the rendered page. Raw HTML that our own renderer writes
// (`<details>`, `<a href>`) is kept by marked as written, so it is counted from the rendered HTML.
import { marked } from 'marked'

export interface SummaryStructure {
  html: string
  /** Text of every heading, Markdown (`## x`) or HTML (`<h2>`). */
  headings: string[]
  /** `src` of every image. */
  images: string[]
  /** `href` of every link. */
  links: string[]
}

export function summaryStructure(markdown: string): SummaryStructure {
  const html = marked.parse(markdown, { gfm: true, async: false })
  const all = (pattern: RegExp): string[] => [...html.matchAll(pattern)].map((match) => match[1])
  return {
    html,
    headings: all(/<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/gi),
    images: all(/<img\b[^>]*\bsrc="([^"]*)"/gi),
    links: all(/<a\b[^>]*\bhref="([^"]*)"/gi)
  }
}
