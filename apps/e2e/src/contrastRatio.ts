/** An sRGB colour with channels 0–255 and alpha 0–1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/**
 * Parse a computed CSS colour (`rgb(…)` / `rgba(…)`, what `getComputedStyle` returns).
 * @example
 * parseCssColor("rgb(37, 99, 235)"); // { r: 37, g: 99, b: 235, a: 1 }
 */
export function parseCssColor(value: string): Rgba {
  const match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?\s*\)$/.exec(
    value.trim(),
  );
  if (!match) throw new Error(`Not an rgb()/rgba() colour: "${value}".`);
  const [, r, g, b, a] = match;
  return { r: Number(r), g: Number(g), b: Number(b), a: a === undefined ? 1 : Number(a) };
}

/**
 * WCAG 2 contrast ratio (1–21) of a text colour over an opaque background; a translucent text
 * colour is blended over the background first.
 * @example
 * contrastRatio(parseCssColor("rgb(255, 255, 255)"), parseCssColor("rgb(37, 99, 235)")); // ≈ 5.17
 */
export function contrastRatio(text: Rgba, background: Rgba): number {
  const blended = {
    r: text.r * text.a + background.r * (1 - text.a),
    g: text.g * text.a + background.g * (1 - text.a),
    b: text.b * text.a + background.b * (1 - text.a),
    a: 1,
  };
  const [light, dark] = [luminance(blended), luminance(background)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

function luminance({ r, g, b }: Rgba): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
