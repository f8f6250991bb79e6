/** Names of kuzet's queues and Redis keys, in one place. Every name lives under the configured prefix. */
export const checkQueueName = (region: string) => `checks-${region}`;
export const MAINTENANCE_QUEUE = 'maintenance';
export const resultStreamKey = (prefix: string) => `${prefix}:results`;
export const reloadChannel = (prefix: string) => `${prefix}:reload`;
export const RESULT_GROUP = 'ingest';

/** Job data of one due run of one check in one region. */
export interface CheckJobData {
  key: string;
  region: string;
}
