/**
 * Portal homepage and its outage notices block, as a supplier opens it first thing.
 * Selectors default to the demo portal's; kuzet.yaml `params` override them for goszakup.gov.kz
 * (see portal.example.yaml).
 */
import { defineJourney } from '../probes/index.ts';

export default defineJourney('portal-homepage', async ({ step, goto, expectStatus, expectText, expectVisible, params }) => {
  const p = { homePath: '/', title: 'Объявления', notices: '[data-testid=notices]', ...params };
  await step('open homepage', async () => {
    await goto(p.homePath);
    expectStatus(200);
  });
  await step('homepage content', () => expectText(p.title));
  await step('notices block', () => expectVisible(p.notices));
});
