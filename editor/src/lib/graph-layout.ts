/**
 * Lays the analyzer's flow graph out with dagre (top to bottom), sizing boxes from their labels,
 * so the diagram component only draws what this returns.
 */
import dagre from '@dagrejs/dagre';
import type { FlowGraph, GraphNode } from '../api/types.js';

export interface PlacedNode {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
}

export interface PlacedEdge {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly points: readonly { x: number; y: number }[];
  readonly labelX: number;
  readonly labelY: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const CHAR = 6.6;
const LINE = 15;
const MAX_CHARS = 30;

export function edgeKey(from: string, to: string, label: string): string {
  return `${from}\u0000${to}\u0000${label}`;
}

/** Splits "step 1: BasicAuthenticator | Google | GitHub" at its separators to fit a box. */
export function wrapLabel(label: string): string[] {
  const words = label.split(/(?<=\|)\s+|\s+(?=\|)|(?<=:)\s+/);
  const lines: string[] = [];
  let current = '';
  for (const w of words) {
    const next = current === '' ? w : `${current} ${w}`;
    if (next.length > MAX_CHARS && current !== '') {
      lines.push(current);
      current = w;
    } else current = next;
  }
  if (current !== '') lines.push(current);
  return lines;
}

export function layoutGraph(graph: FlowGraph): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, edgesep: 12, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const lines = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const l = n.kind === 'start' ? ['start'] : wrapLabel(n.label);
    lines.set(n.id, l);
    const width = Math.max(...l.map((s) => s.length)) * CHAR + 24;
    g.setNode(n.id, { width: n.kind === 'start' ? 64 : Math.max(width, 90), height: l.length * LINE + 14 });
  }
  for (const e of graph.edges) {
    if (!g.hasNode(e.from) || !g.hasNode(e.to)) continue;
    g.setEdge(e.from, e.to, { width: e.label.length * 5.6, height: 14, labelpos: 'c' }, edgeKey(e.from, e.to, e.label));
  }
  dagre.layout(g);
  const nodes: PlacedNode[] = graph.nodes.flatMap((node) => {
    const p = g.node(node.id);
    if (p === undefined || p.x === undefined || p.y === undefined) return [];
    return [{ node, x: p.x, y: p.y, width: p.width, height: p.height, lines: lines.get(node.id) ?? [] }];
  });
  const edges: PlacedEdge[] = graph.edges.flatMap((e) => {
    const key = edgeKey(e.from, e.to, e.label);
    const p = g.edge({ v: e.from, w: e.to, name: key });
    if (p === undefined) return [];
    const points = p.points ?? [];
    const mid = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return [{ key, from: e.from, to: e.to, label: e.label, points, labelX: p.x ?? mid.x, labelY: p.y ?? mid.y }];
  });
  const label = g.graph();
  return { width: label.width ?? 0, height: label.height ?? 0, nodes, edges };
}
