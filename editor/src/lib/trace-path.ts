/**
 * The path a simulated login took through the flow graph: the nodes and edges to highlight.
 * The graph's edges carry what was taken at their source node ("via GitHub", "totp succeeds",
 * "Google fails"), so the trace's steps are matched edge by edge from `start`; prompts and async
 * calls between two steps are passed through.
 */
import type { FlowGraph, GraphEdge, GraphNode, Trace } from '../api/types.js';
import { edgeKey } from './graph-layout.js';

export interface Highlight {
  readonly nodes: ReadonlySet<string>;
  readonly edges: ReadonlySet<string>;
}

export const NO_HIGHLIGHT: Highlight = { nodes: new Set(), edges: new Set() };

type TraceStep = Trace['steps'][number];

/** The label the explorer gives an edge leaving a step node for this outcome. */
function edgeLabelFor(s: TraceStep): string[] {
  if (s.idp !== 'LOCAL') return s.outcome === 'success' ? [`via ${s.idp}`] : [`${s.idp} fails`];
  const a = s.authenticator ?? '';
  return s.outcome === 'success' ? [`${a} succeeds`] : [`${a} fails`, `${a}: LOCAL_ACCOUNT_REQUIRED`];
}

function endMatches(node: GraphNode, trace: Trace): boolean {
  if (trace.outcome === 'success') return node.kind === 'success';
  if (trace.outcome === 'fail') return node.kind === 'fail' && (trace.error === null || node.code === trace.error.code);
  if (trace.outcome === 'error') return node.kind === 'error' && (trace.error === null || node.code === trace.error.code);
  return false;
}

function stepMatches(node: GraphNode, s: TraceStep): boolean {
  return node.kind === 'step' && node.step === s.step && (node.options ?? []).some((o) => o.idp === s.idp && (s.authenticator === null || o.authenticator === s.authenticator));
}

/** Breadth-first from `from` to a node that fits, through prompt and async nodes only. */
function reach(graph: FlowGraph, out: Map<string, GraphEdge[]>, byId: Map<string, GraphNode>, from: string, firstLabels: string[] | null, fits: (n: GraphNode) => boolean): GraphEdge[] | null {
  const queue: { at: string; path: GraphEdge[] }[] = [{ at: from, path: [] }];
  const seen = new Set<string>([from]);
  while (queue.length > 0) {
    const { at, path } = queue.shift()!;
    for (const e of out.get(at) ?? []) {
      if (path.length === 0 && firstLabels !== null && !firstLabels.includes(e.label)) continue;
      const target = byId.get(e.to);
      if (target === undefined) continue;
      if (fits(target)) return [...path, e];
      if ((target.kind === 'prompt' || target.kind === 'async') && !seen.has(target.id)) {
        seen.add(target.id);
        queue.push({ at: target.id, path: [...path, e] });
      }
    }
  }
  void graph;
  return null;
}

export function tracePath(graph: FlowGraph, trace: Trace): Highlight {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const nodes = new Set<string>(['start']);
  const edges = new Set<string>();
  let at = 'start';
  let labels: string[] | null = null;
  const take = (path: GraphEdge[]) => {
    for (const e of path) {
      edges.add(edgeKey(e.from, e.to, e.label));
      nodes.add(e.to);
    }
    at = path[path.length - 1]!.to;
  };
  for (const s of trace.steps) {
    const path = reach(graph, out, byId, at, labels, (n) => stepMatches(n, s));
    if (path === null) return { nodes, edges };
    take(path);
    labels = edgeLabelFor(s);
  }
  const end = reach(graph, out, byId, at, labels, (n) => endMatches(n, trace));
  if (end !== null) take(end);
  return { nodes, edges };
}
