import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleSdk } from './api';

export interface ConsoleContext {
  sdk: ConsoleSdk;
  /** The admin's own tenant: the root of everything it may see. */
  homeTenant: string;
  /** The tenant the clients, users and keys screens show. */
  tenantPath: string;
  setTenantPath: (path: string) => void;
  /** The current screen's parameters from the URL fragment (`#devices?user=<id>`). */
  params: Readonly<Record<string, string>>;
}

export const Ctx = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const context = useContext(Ctx);
  if (!context) throw new Error('console context missing');
  return context;
}
