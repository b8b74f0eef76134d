import { useCallback, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { rowOffsets, visibleRange } from '../model/virtual-window.js';

interface VirtualListProps<T> {
  items: readonly T[];
  keyOf(item: T): string;
  heightOf(item: T): number;
  render(item: T): ReactNode;
  label: string;
  className?: string;
}

/**
 * A list that renders only the rows in the window (plus a margin) while the page scrolls as one,
 * which is what a tablet user expects. Heights are known per row kind, so nothing is measured and
 * thousands of screens scroll as smoothly as ten.
 */
export function VirtualList<T>({ items, keyOf, heightOf, render, label, className }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(() => window.innerHeight);

  const update = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    setScrollTop(Math.max(0, -element.getBoundingClientRect().top));
    setViewport(window.innerHeight);
  }, []);

  useLayoutEffect(() => {
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update);
    return () => {
      window.removeEventListener('scroll', update);
      window.removeEventListener('resize', update);
    };
  }, [update]);
  // Content above the list (a notice, the filters wrapping) moves it without a scroll event.
  useLayoutEffect(update);

  const offsets = useMemo(() => rowOffsets(items.map(heightOf)), [items, heightOf]);
  const { start, end } = visibleRange(offsets, scrollTop, viewport);
  const rows: ReactNode[] = [];
  for (let index = start; index < end; index += 1) {
    const item = items[index] as T;
    rows.push(
      <div
        key={keyOf(item)}
        className="vrow"
        role="listitem"
        style={{ top: offsets[index], height: heightOf(item) }}
      >
        {render(item)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className={`vlist ${className ?? ''}`}
      role="list"
      aria-label={label}
      style={{ height: offsets[offsets.length - 1] ?? 0 }}
    >
      {rows}
    </div>
  );
}
