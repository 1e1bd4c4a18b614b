/** A small seeded PRNG (mulberry32) so every sandbox dataset is the same for the same seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  /** A date (YYYY-MM-DD) between two years inclusive. */
  date(fromYear: number, toYear: number): string {
    const from = Date.UTC(fromYear, 0, 1);
    const to = Date.UTC(toYear, 11, 31);
    return new Date(from + Math.floor(this.next() * (to - from))).toISOString().slice(0, 10);
  }

  /** A money amount in dollars with cents, e.g. 1234.5. */
  money(min: number, max: number): number {
    return Math.round((min + this.next() * (max - min)) * 100) / 100;
  }
}

export const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Sophia',
  'Elijah',
  'Isabella',
  'Lucas',
  'Mia',
  'Amir',
  'Zoë',
  'Chloé',
  'Seo-yeon',
  'Kwame',
  'Priya',
  'José',
  'Aoife',
  'Dmitri',
  'Fatima',
  'Hiroshi',
  'Ingrid',
  'Nia',
  'Omar',
  'Renée',
  'Santiago',
  'Thandiwe',
  'Wei',
  'Yusuf',
];
export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'García',
  'Nguyen',
  "O'Brien",
  'Kim',
  'Patel',
  'Müller',
  'Okafor',
  'Rossi',
  'Silva',
  'Cohen',
  'Haddad',
  'Ivanova',
  'Larsen',
  'Mbeki',
  'Novak',
  'Park',
  'Quispe',
  'Schmidt',
  'Tanaka',
  'Walker',
  'Young',
  'Zhang',
  'de la Cruz',
  'Van Dyke',
  'Abebe',
  'Brown',
  'Davis',
  'Lopez',
];
export const STREET_NAMES = [
  'Maple',
  'Oak',
  'Cedar',
  'Elm',
  'Pine',
  'Lakeview',
  'Hillcrest',
  'Sunset',
  'Park',
  'River',
  'Washington',
  'Lincoln',
  'Highland',
  'Meadow',
  'Willow',
];
export const STREET_SUFFIXES = ['St', 'Ave', 'Blvd', 'Rd', 'Ln', 'Dr', 'Ct', 'Way'];
export const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Austin', 'TX', '787'],
  ['Denver', 'CO', '802'],
  ['Portland', 'OR', '972'],
  ['Columbus', 'OH', '432'],
  ['Raleigh', 'NC', '276'],
  ['Phoenix', 'AZ', '850'],
  ['Boston', 'MA', '021'],
  ['Nashville', 'TN', '372'],
  ['Madison', 'WI', '537'],
  ['Tampa', 'FL', '336'],
];
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'Example.COM'];

/** A street line, e.g. "1234 Maple Ave". */
export function streetLine(prng: Prng): string {
  return `${prng.int(1, 9999)} ${prng.pick(STREET_NAMES)} ${prng.pick(STREET_SUFFIXES)}`;
}

/** A five-digit ZIP code starting with a city's three-digit prefix. */
export function zipCode(prng: Prng, prefix: string): string {
  return `${prefix}${String(prng.int(0, 99)).padStart(2, '0')}`;
}

const PHONE_STYLES = {
  paren: (d: string) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
  dash: (d: string) => `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  intl: (d: string) => `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
  dot: (d: string) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
  plain: (d: string) => d,
};
export type PhoneStyle = keyof typeof PHONE_STYLES;

/** A US phone number written in one of `styles` (each vendor has its own mix). */
export function phoneNumber(prng: Prng, styles: readonly PhoneStyle[]): string {
  const digits = `${prng.int(201, 989)}${prng.int(200, 999)}${String(prng.int(0, 9999)).padStart(4, '0')}`;
  return PHONE_STYLES[prng.pick(styles)](digits);
}

/** The day before the same date a year on (YYYY-MM-DD): a one-year lease's last day. */
export function oneYearLater(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y + 1, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** Deletes the keys whose value is undefined, in place. */
export function dropUndefined<T extends Record<string, unknown>>(record: T): T {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}
