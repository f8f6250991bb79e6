/**
 * Time synchronisation of ETP servers (docs/rules.md §8): the requirement the clock-offset evidence
 * is judged against, cited in the API and in incidents opened for a drifting ETP clock.
 */
import { fileURLToPath } from 'node:url';

/**
 * ETP server time must be synchronised with ntp.nic.kz (000 App.3, technical requirement 5, proved by
 * demonstration). The regulation gives the requirement no id; ETP-TIME-NTP is kuzet's (docs/rules.md §8).
 */
export const ETP_TIME_RULE = {
  id: 'ETP-TIME-NTP',
  what: 'ETP server time is synchronised with ntp.nic.kz; seen from outside through the HTTP Date header (check type http-date)',
  source: '000 App.3, technical requirement 5; docs/rules.md §8',
} as const;

/** Notice templates of the ETP rules (streak warnings, threshold, decisions): `<policy>/<name>.<lang>.hbs`, else `default/`. */
export const ETP_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));
