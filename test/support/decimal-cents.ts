/** Decimal text to integer cents without floats ("-1234.05" → -123405), written apart from the sandboxes' own. */
export function decimalCents(text: string): number {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return text.startsWith('-') ? -value : value;
}
