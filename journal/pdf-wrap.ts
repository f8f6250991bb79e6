/**
 * Line wrapping for the PDF table, done once per cell: pdfkit's own wrapper measures every word
 * through the font's shaper and then shapes the text again to draw it, which makes 10,000 rows of
 * 16 cells take tens of seconds. Here glyph advances are cached per character and the lines are
 * drawn one by one, unwrapped.
 */

export interface Wrapper {
  /** The lines of `text` in `width` points, at most `maxLines` (the last one ends in "…" when cut). */
  wrap(text: string, width: number, maxLines: number): string[];
}

/** `advance(ch)` is the width of one character at the current font size, in points. */
export function makeWrapper(advance: (ch: string) => number): Wrapper {
  const cache = new Map<string, number>();
  const charWidth = (ch: string): number => {
    let w = cache.get(ch);
    if (w === undefined) {
      w = advance(ch);
      cache.set(ch, w);
    }
    return w;
  };
  const widthOf = (s: string): number => {
    let w = 0;
    for (const ch of s) w += charWidth(ch);
    return w;
  };

  // A line may break at a space, after a slash («подтверждения/» «не») or after a hyphen inside a word
  // («APP-2026-» «00001»), as LibreOffice and Word break; a piece still wider than the column is cut
  // between letters and the cut marked with a hyphen.
  const HYPHEN = '-';
  const wrapParagraph = (para: string, width: number, out: string[], maxLines: number) => {
    let line = '';
    let lineW = 0;
    const space = charWidth(' ');
    for (const word of para.split(' ')) {
      const pieces = word.split(/(?<=\/)(?=.)|(?<=[^\s-]-)(?=[^\s-])/u);
      for (const [k, piece] of pieces.entries()) {
        if (out.length >= maxLines) return;
        let ww = widthOf(piece);
        const sep = line && k === 0 ? space : 0;
        if (lineW + sep + ww <= width) {
          line = `${line}${sep ? ' ' : ''}${piece}`;
          lineW += sep + ww;
          continue;
        }
        if (line) out.push(line);
        let rest = piece;
        while (ww > width && out.length < maxLines) {
          const room = width - charWidth(HYPHEN);
          let cut = '';
          let cw = 0;
          for (const ch of rest) {
            const w = charWidth(ch);
            if (cw + w > room && cut) break;
            cut += ch;
            cw += w;
          }
          rest = rest.slice(cut.length);
          out.push(rest ? cut + HYPHEN : cut);
          ww = widthOf(rest);
        }
        line = rest;
        lineW = ww;
      }
    }
    if (out.length < maxLines) out.push(line);
  };

  return {
    wrap(text, width, maxLines) {
      const out: string[] = [];
      const paras = text.split('\n');
      for (const p of paras) {
        if (out.length >= maxLines + 1) break;
        wrapParagraph(p, width, out, maxLines + 1);
      }
      if (out.length > maxLines) {
        out.length = maxLines;
        const ell = '…';
        let last = out[maxLines - 1] ?? '';
        while (last && widthOf(last + ell) > width) last = last.slice(0, -1);
        out[maxLines - 1] = last + ell;
      }
      return out;
    },
  };
}
