import { useState } from 'react';

/**
 * One request at a time behind a button or a form: `busy` while it runs (to disable the button),
 * a failure goes to `onFailed` (the page's notice), and busy ends either way.
 */
export function useBusyAction(
  onFailed: (error: unknown) => void,
): [busy: boolean, run: (action: () => Promise<void>) => Promise<void>] {
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(false);
    }
  };
  return [busy, run];
}
