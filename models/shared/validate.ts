// Tiny composable validators for messages that cross a context boundary. Each returns the
// typed value or throws a ValidationError naming the offending field.

export class ValidationError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path || 'message'}: ${problem}`);
    this.name = 'ValidationError';
  }
}

export type Check<T> = (value: unknown, path: string) => T;

export const str =
  (opts: { max?: number; min?: number; pattern?: RegExp } = {}): Check<string> =>
  (v, path) => {
    if (typeof v !== 'string') throw new ValidationError(path, 'expected a string');
    if (opts.min !== undefined && v.length < opts.min) throw new ValidationError(path, `shorter than ${opts.min}`);
    if (opts.max !== undefined && v.length > opts.max) throw new ValidationError(path, `longer than ${opts.max}`);
    if (opts.pattern && !opts.pattern.test(v)) throw new ValidationError(path, 'has an unexpected form');
    return v;
  };

export const num =
  (opts: { min?: number; max?: number; int?: boolean } = {}): Check<number> =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(path, 'expected a finite number');
    if (opts.int && !Number.isInteger(v)) throw new ValidationError(path, 'expected an integer');
    if (opts.min !== undefined && v < opts.min) throw new ValidationError(path, `below ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) throw new ValidationError(path, `above ${opts.max}`);
    return v;
  };

export const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new ValidationError(path, 'expected a boolean');
  return v;
};

export const literal =
  <const T extends string>(...allowed: T[]): Check<T> =>
  (v, path) => {
    if (typeof v !== 'string' || !(allowed as string[]).includes(v)) {
      throw new ValidationError(path, `expected one of ${allowed.join(', ')}`);
    }
    return v as T;
  };

export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (v, path) =>
    v === undefined ? undefined : check(v, path);

export const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (v, path) =>
    v === null ? null : check(v, path);

export const arrayOf =
  <T>(check: Check<T>, opts: { max?: number; min?: number } = {}): Check<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) throw new ValidationError(path, 'expected an array');
    if (opts.min !== undefined && v.length < opts.min) throw new ValidationError(path, `fewer than ${opts.min} items`);
    if (opts.max !== undefined && v.length > opts.max) throw new ValidationError(path, `more than ${opts.max} items`);
    return v.map((item, i) => check(item, `${path}[${i}]`));
  };

type Shape = Record<string, Check<unknown>>;
type FromShape<S extends Shape> = {
  [K in keyof S as undefined extends ReturnType<S[K]> ? never : K]: ReturnType<S[K]>;
} & {
  [K in keyof S as undefined extends ReturnType<S[K]> ? K : never]?: ReturnType<S[K]>;
};

/** An object with exactly these fields; unknown fields are rejected, not silently carried. */
export const object =
  <S extends Shape>(shape: S): Check<FromShape<S>> =>
  (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(path, 'expected an object');
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in shape)) throw new ValidationError(path ? `${path}.${key}` : key, 'unexpected field');
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = check(record[key], path ? `${path}.${key}` : key);
      if (value !== undefined) out[key] = value;
    }
    return out as FromShape<S>;
  };

/** A union discriminated by `type`. */
export const tagged =
  <M extends Record<string, Check<unknown>>>(variants: M, tag = 'type'): Check<{ [K in keyof M]: ReturnType<M[K]> }[keyof M]> =>
  (v, path) => {
    if (typeof v !== 'object' || v === null) throw new ValidationError(path, 'expected an object');
    const kind = (v as Record<string, unknown>)[tag];
    if (typeof kind !== 'string' || !Object.hasOwn(variants, kind)) {
      throw new ValidationError(path ? `${path}.${tag}` : tag, `unknown kind ${JSON.stringify(kind)}`);
    }
    return variants[kind]!(v, path) as { [K in keyof M]: ReturnType<M[K]> }[keyof M];
  };
