/**
 * The operator console under /console (issue #10). Placeholder until the console lands: mounts nothing.
 */
import type { ApiExtension, KuzetServices } from '../services.ts';

export function consoleExtension(_s: KuzetServices): ApiExtension {
  return () => undefined;
}
