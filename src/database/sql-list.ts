// Pure: the placeholders of an `in (…)` list. The ORM expands an array parameter into a comma
// list (`any(?)` becomes `any('a', 'b')`, a syntax error), so each value gets its own placeholder;
// `null` keeps an empty list valid and matches nothing.
export function placeholders(values: readonly unknown[]): string {
  return values.length === 0 ? 'null' : values.map(() => '?').join(', ');
}
