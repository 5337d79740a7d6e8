/** Greedy, deterministic placement of chart labels next to their points, avoiding each other, points and lines. */

/** An axis-aligned rectangle in SVG pixels; `x`, `y` is the top-left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A line segment in SVG pixels (a roof, an axis). */
export interface Segment {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** A label to place: the point it belongs to and its size. */
export interface LabelRequest {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Where a label went; `leader` says it sits far enough away to need a line back to its point. */
export interface Placement {
  readonly box: Box;
  readonly leader: boolean;
}

// Radii grow slowly so labels stay close when they can; angles start below-right, where a roofline chart is empty.
const RADII = [3, 10, 20, 32, 46, 62, 80, 100, 124, 150, 180, 215, 255, 300];
const ANGLES = [45, 0, 90, 22.5, 67.5, 135, -45, 180, 112.5, 157.5, -22.5, -67.5, -90, -112.5, -135, -157.5];

/** Whether two boxes overlap, with `pad` pixels of clearance. */
export function overlaps(a: Box, b: Box, pad = 1): boolean {
  return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
}

/** Whether segment pq crosses segment rs (proper or touching). */
function crosses(p: Segment, q: Segment): boolean {
  const d = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d1 = d(q.x1, q.y1, q.x2, q.y2, p.x1, p.y1);
  const d2 = d(q.x1, q.y1, q.x2, q.y2, p.x2, p.y2);
  const d3 = d(p.x1, p.y1, p.x2, p.y2, q.x1, q.y1);
  const d4 = d(p.x1, p.y1, p.x2, p.y2, q.x2, q.y2);
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/** Whether a segment touches a box: an end inside it, or a crossing with one of its edges. */
export function hitsSegment(b: Box, s: Segment): boolean {
  const inside = (x: number, y: number): boolean => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
  if (inside(s.x1, s.y1) || inside(s.x2, s.y2)) return true;
  const [l, r, t, u] = [b.x, b.x + b.w, b.y, b.y + b.h];
  const edges: Segment[] = [
    { x1: l, y1: t, x2: r, y2: t },
    { x1: r, y1: t, x2: r, y2: u },
    { x1: l, y1: u, x2: r, y2: u },
    { x1: l, y1: t, x2: l, y2: u },
  ];
  return edges.some((e) => crosses(s, e));
}

/** The box of a label whose nearest side or corner is `r` pixels from its point in direction `deg` (SVG y down). */
function candidate(q: LabelRequest, r: number, deg: number): Box {
  const dx = Math.cos((deg * Math.PI) / 180);
  const dy = Math.sin((deg * Math.PI) / 180);
  const ax = q.x + r * dx;
  const ay = q.y + r * dy;
  const x = Math.abs(dx) < 0.2 ? ax - q.w / 2 : dx > 0 ? ax : ax - q.w;
  const y = Math.abs(dy) < 0.2 ? ay - q.h / 2 : dy > 0 ? ay : ay - q.h;
  return { x, y, w: q.w, h: q.h };
}

/** Places labels in order, each at the nearest free candidate spot; obstacles grow as labels are placed. */
export function placeLabels(requests: readonly LabelRequest[], obstacles: { boxes: readonly Box[]; segments: readonly Segment[] }, bounds: Box): Placement[] {
  const taken: Box[] = [...obstacles.boxes];
  const within = (b: Box): boolean => b.x >= bounds.x && b.y >= bounds.y && b.x + b.w <= bounds.x + bounds.w && b.y + b.h <= bounds.y + bounds.h;
  const free = (b: Box): boolean => within(b) && !taken.some((t) => overlaps(b, t)) && !obstacles.segments.some((s) => hitsSegment(b, s));
  return requests.map((q) => {
    let chosen: Placement | undefined;
    for (const r of RADII) {
      const box = ANGLES.map((a) => candidate(q, r, a)).find(free);
      if (box !== undefined) {
        chosen = { box, leader: r > 12 };
        break;
      }
    }
    // Nowhere free: keep the label beside its point, clamped inside the plot, and accept the overlap.
    if (chosen === undefined) {
      const b = candidate(q, RADII[0] ?? 3, 0);
      chosen = { box: { ...b, x: Math.min(Math.max(b.x, bounds.x), bounds.x + bounds.w - b.w), y: Math.min(Math.max(b.y, bounds.y), bounds.y + bounds.h - b.h) }, leader: false };
    }
    taken.push(chosen.box);
    return chosen;
  });
}

/** The point of a box nearest to (x, y), where a leader line from a point should end. */
export function nearestOnBox(b: Box, x: number, y: number): readonly [number, number] {
  return [Math.min(Math.max(x, b.x), b.x + b.w), Math.min(Math.max(y, b.y), b.y + b.h)];
}
