import { useEffect, useState } from 'react';
import type { DeviceDetail } from '../api/types.js';
import { useSession } from '../app/session.js';

/**
 * One device with its desired document, read again whenever the desired version moves (the live
 * stream carries versions, not documents).
 */
export function useDeviceDetail(
  deviceId: string,
  desiredVersion: number | null,
): { detail: DeviceDetail | null; error: unknown } {
  const { api } = useSession();
  const [detail, setDetail] = useState<DeviceDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    api
      .get<{ device: DeviceDetail }>(`/api/v1/devices/${encodeURIComponent(deviceId)}`)
      .then((answer) => {
        if (!current) return;
        setDetail(answer.device);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (current) setError(failure);
      });
    return () => {
      current = false;
    };
  }, [api, deviceId, desiredVersion]);

  return { detail, error };
}
