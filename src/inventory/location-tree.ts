// Locations form a tree: pure helpers over { id, parentId } rows.

export interface LocationNode {
  id: number;
  parentId: number | null;
  name: string;
}

// Would putting `id` under `newParentId` make a loop (a box inside itself, or inside its own box)?
export function wouldCycle(nodes: readonly LocationNode[], id: number, newParentId: number | null): boolean {
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]));
  const seen = new Set<number>();
  for (let at = newParentId; at !== null; at = parentOf.get(at) ?? null) {
    if (at === id || seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

// "Werkstatt / Regal 2 / Kiste 3" for each location.
export function locationPaths(nodes: readonly LocationNode[]): Map<number, string[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const paths = new Map<number, string[]>();
  const pathOf = (id: number, depth: number): string[] => {
    const cached = paths.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    // depth guards against a loop the database should never hold.
    if (!node || depth > 100) return [];
    const path = [...(node.parentId === null ? [] : pathOf(node.parentId, depth + 1)), node.name];
    paths.set(id, path);
    return path;
  };
  for (const n of nodes) pathOf(n.id, 0);
  return paths;
}

// The location and everything below it.
export function subtreeIds(nodes: readonly LocationNode[], rootId: number): number[] {
  const children = new Map<number, number[]>();
  for (const n of nodes) {
    if (n.parentId !== null) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n.id]);
  }
  const out: number[] = [];
  const stack = [rootId];
  const seen = new Set<number>();
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

export const PATH_SEPARATOR = ' / ';

export function formatPath(path: readonly string[]): string {
  return path.join(PATH_SEPARATOR);
}

// "Werkstatt / Regal 2" → ["Werkstatt", "Regal 2"]; also accepts ">" between the parts.
export function parsePath(text: string): string[] {
  return text
    .split(/\s*[/>]\s*/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
