/** The least a task needs for its wave: its id and what it depends on. */
export interface WaveNode {
  id: string;
  depends_on: readonly string[];
}

/**
 * Each task's wave: 0 for a task with no dependencies, else one more than its latest
 * dependency. Tasks of one wave can run side by side; the DAG is drawn a column per wave.
 * Dependencies outside the list are ignored, and a cycle (which validateTaskGraph refuses
 * before a run starts) cannot loop: a task met again while open counts as wave 0.
 */
export function taskWaves(nodes: readonly WaveNode[]): Map<string, number> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const waves = new Map<string, number>();
  const open = new Set<string>();
  const waveOf = (id: string): number => {
    const known = waves.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    if (!node || open.has(id)) return 0;
    open.add(id);
    const deps = node.depends_on.filter((dep) => byId.has(dep));
    const wave = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(waveOf));
    open.delete(id);
    waves.set(id, wave);
    return wave;
  };
  for (const node of nodes) waveOf(node.id);
  return waves;
}
