/**
 * BIN (business identification number, БИН) and IIN (individual identification number, ИИН): 12
 * digits, the last a check digit. The official algorithm: weights 1…11 over the first 11 digits, sum
 * mod 11; when that is 10, weights 3…11, 1, 2 and mod 11 again; a 10 the second time means no valid
 * number has these 11 digits.
 */

const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** The check digit of the first 11 digits, or null when no check digit is possible. */
export function binIinCheckDigit(first11: string): number | null {
  const d = [...first11].map(Number);
  const sum = (w: number[]) => w.reduce((s, wi, i) => s + wi * (d[i] as number), 0) % 11;
  let c = sum(W1);
  if (c === 10) c = sum(W2);
  return c === 10 ? null : c;
}

/** Why `value` is not a valid BIN/IIN, or undefined when it is. */
export function binIinProblem(value: string): string | undefined {
  if (!/^\d{12}$/.test(value)) return 'must be exactly 12 digits';
  const c = binIinCheckDigit(value.slice(0, 11));
  if (c === null) return 'is not a valid BIN/IIN: no check digit exists for its first 11 digits';
  if (c !== Number(value[11])) return `is not a valid BIN/IIN: the check digit (last digit) should be ${c}, not ${value[11]}`;
  return undefined;
}

export const isValidBinIin = (value: string) => binIinProblem(value) === undefined;
