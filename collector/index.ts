/** The face of collector/: what other folders may import from it. */
export { enforceRetention, getResult, listResults, listStates } from './results.repo.ts';
export {
  INFLUX_ETP_MEASUREMENT,
  INFLUX_INCIDENT_MEASUREMENT,
  INFLUX_JOURNEY_MEASUREMENTS,
  INFLUX_MEASUREMENT,
  INFLUX_TIME_MEASUREMENTS,
  InfluxSink,
  incidentChangeOf,
} from './influx.sink.ts';
export { Metrics } from './metrics.ts';
export { StatusBoard } from './status.ts';
export { MAINTENANCE_QUEUE, checkQueueName, reloadChannel } from './queues.ts';
export { CheckScheduler } from './scheduler.ts';
export { ResultIngestor } from './ingest.ts';
export type { LiveSink } from './ingest.ts';
export { registerCalendarMetrics, warnIfCalendarEndsSoon } from './calendar-metrics.ts';
export { CheckWorkers } from './worker.ts';
export { beat, heartbeatKey, readHeartbeats, startHeartbeat } from './heartbeat.ts';
export type { Heartbeat } from './heartbeat.ts';
