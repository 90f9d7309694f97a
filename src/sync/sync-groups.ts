// Pure: the actions in groups that the engine applies one after another, the groups side by side.
// Actions with the same key (a target's `serialKey`, e.g. an e-mail address) land in one group in
// their planned order, so two of them never run at once; without a key each action is its own group.
export function serialGroups<A>(actions: readonly A[], keyOf?: (a: A) => string): A[][] {
  if (!keyOf) return actions.map((a) => [a]);
  const groups = new Map<string, A[]>();
  for (const a of actions) {
    const key = keyOf(a);
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.values()];
}
