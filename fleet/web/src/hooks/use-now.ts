import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs`, so "stale" and "5 minutes ago" move by themselves. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
