/**
 * A lot card: from the search results open the first announcement and see its lots and the end of
 * the application period (срок окончания приема заявок). Selectors: kuzet.yaml `params`.
 */
import { defineJourney } from '../probes/index.ts';

export default defineJourney('portal-lot-card', async ({ step, goto, click, expectText, expectVisible, params }) => {
  const p = {
    searchPath: '/ru/search/announce',
    firstResultLink: '[data-testid=results] [data-testid=announce-link]',
    lotCard: '[data-testid=lot-card]',
    lotRow: '[data-testid=lot-row]',
    deadlineText: 'Срок окончания приема заявок',
    ...params,
  };
  await step('open search page', async () => {
    await goto(p.searchPath);
  });
  await step('open first announcement', () => click(p.firstResultLink));
  await step('lot card shown', async () => {
    await expectVisible(p.lotCard);
    await expectVisible(p.lotRow);
  });
  await step('application deadline shown', () => expectText(p.deadlineText, p.lotCard));
});
