/**
 * Annotation codes and mnemonics of the WFDB library (ecgcodes.h / annot.c). Codes 15, 17 and 42..49 have no
 * standard mnemonic; WFDB prints them as "[code]", and so do we.
 */
const SYMBOL_BY_CODE: readonly string[] = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', // 0-9
  'E', 'j', '/', 'Q', '~', '[15]', '|', '[17]', 's', 'T', // 10-19
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u', // 20-29
  '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', // 30-39
  ')', 'r', // 40-41
];

/** Highest code a regular annotation may carry; 59..63 are pseudo-annotations of the MIT file format. */
export const MAX_ANNOTATION_CODE = 49;

export function symbolOfCode(code: number): string {
  return SYMBOL_BY_CODE[code] ?? `[${code}]`;
}

/**
 * Symbols counted as beats in the PhysioNet MIT-BIH directory tables (and WFDB's isqrs()). Rhythm, noise and
 * comment annotations (+, ~, |, ", x, !, [, ]) are not beats.
 */
export const BEAT_SYMBOLS: ReadonlySet<string> = new Set([
  'N', 'L', 'R', 'B', 'A', 'a', 'J', 'S', 'V', 'r', 'F', 'e', 'j', 'n', 'E', '/', 'f', 'Q', '?',
]);

export function isBeatSymbol(symbol: string): boolean {
  return BEAT_SYMBOLS.has(symbol);
}
