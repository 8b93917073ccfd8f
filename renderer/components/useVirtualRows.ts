import { useLayoutEffect, useRef, useState } from 'react';

/**
 * Windowing for long tables with fixed-height rows: only the rows in view (plus a margin)
 * are rendered; spacer rows keep the scrollbar honest. Small lists render whole.
 */
export function useVirtualRows(count: number, rowHeight: number, overscan = 10) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const onScroll = () => setScrollTop(element.scrollTop);
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    element.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(element);
    setViewport(element.clientHeight);
    return () => {
      element.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, []);

  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { ref, start, end, padTop: start * rowHeight, padBottom: Math.max(0, (count - end) * rowHeight) };
}
