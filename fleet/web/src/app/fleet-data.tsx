import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient } from '../api/client.js';
import type { DeviceView, Gate } from '../api/types.js';
import { applyDeviceUpdates } from '../model/device-map.js';
import { FleetStream, type LiveState } from './fleet-stream.js';

export type { LiveState };

export interface FleetData {
  gates: Gate[];
  devices: ReadonlyMap<string, DeviceView>;
  loaded: boolean;
  live: LiveState;
  error: unknown;
  /** Drops a device the user just removed, without waiting for a reload. */
  forget(deviceId: string): void;
}

const FleetContext = createContext<FleetData | null>(null);

/** The fleet as the signed-in user may see it, kept live for every page. */
export function FleetDataProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [gates, setGates] = useState<Gate[]>([]);
  const [devices, setDevices] = useState<ReadonlyMap<string, DeviceView>>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState<LiveState>('connecting');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const stream = new FleetStream(api, {
      loaded: (gateList, deviceMap) => {
        setGates(gateList);
        setDevices(deviceMap);
        setLoaded(true);
        setError(null);
      },
      updated: (batch) => setDevices((current) => applyDeviceUpdates(current, batch)),
      live: setLive,
      failed: setError,
    });
    stream.start();
    return () => stream.stop();
  }, [api]);

  const forget = useCallback((deviceId: string) => {
    setDevices((current) => {
      const next = new Map(current);
      next.delete(deviceId);
      return next;
    });
  }, []);

  const value = useMemo(
    () => ({ gates, devices, loaded, live, error, forget }),
    [gates, devices, loaded, live, error, forget],
  );
  return <FleetContext.Provider value={value}>{children}</FleetContext.Provider>;
}

export function useFleetData(): FleetData {
  const fleet = useContext(FleetContext);
  if (!fleet) throw new Error('useFleetData outside FleetDataProvider');
  return fleet;
}
