/**
 * Counts as people read them, for every number the dashboard shows with a noun.
 *
 * English plural rule (CLDR "one"/"other" for `en`): exactly 1 takes the singular, every
 * other number (0 included) the plural. `many` defaults to `one` + "s"; irregular nouns give
 * it ("policy", "policies"). Numbers are grouped like `num` ("1,234 events").
 */
export function count(n: number, one: string, many: string = `${one}s`): string {
  return `${n.toLocaleString("en-GB")} ${plural(n, one, many)}`;
}

/** Just the noun in the form `n` needs: plural(1, "agent") = "agent", plural(0, "agent") = "agents". */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return n === 1 ? one : many;
}

/** "a", "a and b", "a, b and c" (no serial comma); "" for none. */
export function listOf(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]!}`;
}
