/** The flow graph as an SVG diagram laid out by dagre; the last simulation's path highlighted. */
import { useMemo } from 'preact/hooks';
import type { FlowGraph } from '../api/types.js';
import { layoutGraph, type PlacedEdge } from '../lib/graph-layout.js';
import type { Highlight } from '../lib/trace-path.js';

function pathData(e: PlacedEdge): string {
  const [first, ...rest] = e.points;
  if (first === undefined) return '';
  return `M${first.x},${first.y}` + rest.map((p) => ` L${p.x},${p.y}`).join('');
}

export function FlowGraphView({ graph, highlight, caption, compact = false }: { graph: FlowGraph; highlight: Highlight; caption?: string; compact?: boolean }) {
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  if (graph.nodes.length <= 1) {
    return <p class="empty">The flow graph appears once the script parses and has an onLoginRequest.</p>;
  }
  const lit = highlight.edges.size > 0;
  return (
    <figure class={`flow-graph${compact ? ' compact' : ''}`} data-testid="flow-graph">
      <div class="flow-graph-scroll">
        <svg
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-label={`Flow graph: ${graph.nodes.length} nodes, ${graph.edges.length} transitions`}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
            </marker>
            <marker id="arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head lit" />
            </marker>
          </defs>
          {layout.edges.map((e) => {
            const on = highlight.edges.has(e.key);
            return (
              <g class={`edge${on ? ' lit' : lit ? ' dim' : ''}`} data-lit={on ? 'true' : undefined}>
                <path d={pathData(e)} marker-end={on ? 'url(#arrow-lit)' : 'url(#arrow)'} />
                {e.label !== '' ? (
                  <text x={e.labelX} y={e.labelY} text-anchor="middle" dominant-baseline="middle">
                    {e.label}
                  </text>
                ) : null}
              </g>
            );
          })}
          {layout.nodes.map((n) => {
            const on = highlight.nodes.has(n.node.id);
            return (
              <g class={`node node-${n.node.kind}${on && lit ? ' lit' : lit ? ' dim' : ''}`} transform={`translate(${n.x - n.width / 2},${n.y - n.height / 2})`} data-node={n.node.id} data-lit={on && lit ? 'true' : undefined}>
                <title>{n.node.label}</title>
                <rect width={n.width} height={n.height} rx={n.node.kind === 'start' || n.node.kind === 'success' ? n.height / 2 : 6} />
                {n.lines.map((line, i) => (
                  <text x={n.width / 2} y={(n.height - n.lines.length * 15) / 2 + 11 + i * 15} text-anchor="middle">
                    {line}
                  </text>
                ))}
              </g>
            );
          })}
        </svg>
      </div>
      {caption ? <figcaption class="muted">{caption}</figcaption> : null}
    </figure>
  );
}
