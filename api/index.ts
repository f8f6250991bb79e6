/** The face of api/: what other folders may import from it. */
export { readBodyText, readJson, refuseUnstorableFields } from './http-util.ts';
export { pageOfList } from './paging.ts';
export { createApi, routesOf } from './server.ts';
export type { ApiExtension, CheckMute } from './server.ts';
export { sharedScreenshotLinks } from './runs.routes.ts';
export { SLACK_INTERACTIONS_PATH } from './slack-interactions.routes.ts';
