import { ApiError } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';

/** One readable sentence for a failed call, in the chosen language. */
export function useDescribeError(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => {
    if (error instanceof ApiError) {
      if (error.status === 0) return t('common.networkError');
      if (error.status === 403) return `${t('common.forbidden')} (${error.message})`;
      return t('common.error', { reason: error.message });
    }
    return t('common.error', { reason: error instanceof Error ? error.message : String(error) });
  };
}
