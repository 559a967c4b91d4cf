/**
 * DTO instances to plain JSON data, dropping undefined fields, so stores hand back deep-equal
 * events: what a JSON round trip gives, without serialising. Validated DTOs hold only strings,
 * numbers, booleans, arrays and objects; anything else takes the round trip itself.
 */
export function plain<T>(value: T): T {
  return plainJson(value) as T;
}

function plainJson(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  // JSON has no negative zero.
  if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? 0 : value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = isDroppedByJson(value[i]) ? null : plainJson(value[i]);
    return copy;
  }
  if (Object.prototype.toString.call(value) === '[object Object]' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      const field = (value as Record<string, unknown>)[key];
      if (isDroppedByJson(field)) continue;
      // An own "__proto__" key stays a key (as JSON.parse makes it), never the copy's prototype.
      if (key === '__proto__') Object.defineProperty(copy, key, { value: plainJson(field), enumerable: true, writable: true, configurable: true });
      else copy[key] = plainJson(field);
    }
    return copy;
  }
  return JSON.parse(JSON.stringify(value) ?? 'null');
}

function isDroppedByJson(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
