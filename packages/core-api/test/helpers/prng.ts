/** mulberry32: a tiny seeded PRNG, so property-test failures reproduce from the printed seed. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { next, int, pick };
}

export type Random = ReturnType<typeof createRandom>;

const TRICKY = ['!', "'", '(', ')', '*', '~', ' ', '%', '+', '=', '&', '/', '?', '#', ':', '"', '\\', '\t'];
const UNICODE = ['é', 'ß', '中', '文', '日本', '😀', '🚀', 'ñ', 'Ω', '\u00a0', '\u200b'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

/** A value mixing ASCII, RFC 3986 trouble-makers, UTF-8 (including astral code points) and JSON. */
export function randomValue(random: Random): string {
  const kind = random.int(0, 5);
  if (kind === 0) return '';
  if (kind === 1) return JSON.stringify(Array.from({ length: random.int(1, 4) }, () => randomValue(random)));
  if (kind === 2) return JSON.stringify({ key: randomValue(random), n: random.int(-5, 5), ok: random.next() < 0.5 });
  let value = '';
  const length = random.int(1, 24);
  for (let index = 0; index < length; index += 1) {
    const source = random.int(0, 2);
    value += source === 0 ? random.pick(TRICKY) : source === 1 ? random.pick(UNICODE) : random.pick([...ALPHANUMERIC]);
  }
  return value;
}

/** A parameter name shaped like ECI's (`Container.3.EnvironmentVar.12.Key`). */
export function randomName(random: Random): string {
  const words = ['Container', 'Tag', 'Key', 'Value', 'Command', 'Name', 'RegionId', 'Arg', 'Image', 'x', 'Limit'];
  const parts = Array.from({ length: random.int(1, 4) }, (_, index) =>
    index % 2 === 1 && random.next() < 0.7 ? String(random.int(1, 12)) : random.pick(words),
  );
  return parts.join('.');
}

export function randomParams(random: Random, maxCount = 12): Record<string, string> {
  const params: Record<string, string> = {};
  const count = random.int(0, maxCount);
  for (let index = 0; index < count; index += 1) params[randomName(random)] = randomValue(random);
  return params;
}
