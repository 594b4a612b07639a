// A JSON Schema (2020-12) checker for the keywords the OpenAPI document uses (what zod's
// toJSONSchema emits). A keyword it does not know is an error, never a silent pass.
type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set([
  'description',
  'title',
  'default',
  'examples',
  'format',
  'contentMediaType',
  'contentEncoding',
  'readOnly',
  'writeOnly',
  'deprecated',
  '$comment',
  'id',
]);

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number' && Number.isInteger(v)
        ? 'integer'
        : typeof v;
const isType = (v: unknown, t: string) => typeOf(v) === t || (t === 'number' && typeOf(v) === 'integer');
const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Problems of `value` against `schema`, each as `path: what`; `root` resolves `#/…` references. */
export function validate(schema: Schema, value: unknown, root: unknown, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const out: string[] = [];
  const sub = (s: unknown, v: unknown, p: string) => validate(s as Schema, v, root, p);
  for (const [key, rule] of Object.entries(schema)) {
    switch (key) {
      case '$ref': {
        const target = (rule as string).startsWith('#/')
          ? (rule as string)
              .slice(2)
              .split('/')
              .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root)
          : undefined;
        if (target === undefined) out.push(`${path}: unresolved $ref ${String(rule)}`);
        else out.push(...sub(target, value, path));
        break;
      }
      case 'type': {
        const types = Array.isArray(rule) ? (rule as string[]) : [rule as string];
        if (!types.some((t) => isType(value, t))) out.push(`${path}: ${typeOf(value)}, not ${types.join(' or ')}`);
        break;
      }
      case 'enum':
        if (!(rule as unknown[]).some((e) => equal(e, value)))
          out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(rule)}`);
        break;
      case 'const':
        if (!equal(rule, value)) out.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(rule)}`);
        break;
      case 'properties':
        if (isType(value, 'object'))
          for (const [k, s] of Object.entries(rule as object))
            if (k in (value as object)) out.push(...sub(s, (value as Record<string, unknown>)[k], `${path}.${k}`));
        break;
      case 'required':
        if (isType(value, 'object'))
          for (const k of rule as string[]) if (!(k in (value as object))) out.push(`${path}: missing ${k}`);
        break;
      case 'additionalProperties':
        if (isType(value, 'object')) {
          const known = new Set(Object.keys((schema.properties as object | undefined) ?? {}));
          const patterns = Object.keys((schema.patternProperties as object | undefined) ?? {}).map(
            (p) => new RegExp(p, 'u'),
          );
          for (const [k, v] of Object.entries(value as object))
            if (!known.has(k) && !patterns.some((p) => p.test(k)))
              out.push(...(rule === false ? [`${path}: undocumented property ${k}`] : sub(rule, v, `${path}.${k}`)));
        }
        break;
      case 'patternProperties':
        if (isType(value, 'object'))
          for (const [p, s] of Object.entries(rule as object))
            for (const [k, v] of Object.entries(value as object))
              if (new RegExp(p, 'u').test(k)) out.push(...sub(s, v, `${path}.${k}`));
        break;
      case 'propertyNames':
        if (isType(value, 'object'))
          for (const k of Object.keys(value as object)) out.push(...sub(rule, k, `${path}[key ${k}]`));
        break;
      case 'items':
        if (Array.isArray(value))
          value
            .slice(((schema.prefixItems as unknown[] | undefined) ?? []).length)
            .forEach((v, i) => out.push(...sub(rule, v, `${path}[${i}]`)));
        break;
      case 'prefixItems':
        if (Array.isArray(value))
          (rule as unknown[]).forEach((s, i) => i < value.length && out.push(...sub(s, value[i], `${path}[${i}]`)));
        break;
      case 'anyOf':
      case 'oneOf': {
        const passing = (rule as unknown[]).filter((s) => sub(s, value, path).length === 0).length;
        if (passing === 0 || (key === 'oneOf' && passing > 1))
          out.push(`${path}: matches ${passing} of the ${key} alternatives`);
        break;
      }
      case 'allOf':
        for (const s of rule as unknown[]) out.push(...sub(s, value, path));
        break;
      case 'not':
        if (sub(rule, value, path).length === 0) out.push(`${path}: matches a schema it must not`);
        break;
      case 'minLength':
      case 'maxLength':
        if (
          typeof value === 'string' &&
          (key === 'minLength' ? [...value].length < (rule as number) : [...value].length > (rule as number))
        )
          out.push(`${path}: length ${[...value].length} breaks ${key} ${String(rule)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(rule as string, 'u').test(value))
          out.push(`${path}: does not match ${String(rule)}`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        if (typeof value !== 'number') break;
        const n = rule as number;
        const ok =
          key === 'minimum'
            ? value >= n
            : key === 'maximum'
              ? value <= n
              : key === 'exclusiveMinimum'
                ? value > n
                : value < n;
        if (!ok) out.push(`${path}: ${value} breaks ${key} ${n}`);
        break;
      }
      case 'minItems':
      case 'maxItems':
        if (
          Array.isArray(value) &&
          (key === 'minItems' ? value.length < (rule as number) : value.length > (rule as number))
        )
          out.push(`${path}: ${value.length} items breaks ${key} ${String(rule)}`);
        break;
      default:
        if (!ANNOTATIONS.has(key)) throw new Error(`${path}: the checker does not know the keyword "${key}"`);
    }
  }
  return out;
}
