/**
 * Announcement search with results: open the search page, search, see at least one result row.
 * Selectors default to the demo portal's; override them with kuzet.yaml `params`.
 */
import { defineJourney, StepFailure } from '../probes/index.ts';

export default defineJourney('portal-search', async ({ page, step, goto, fill, click, expectText, expectVisible, params }) => {
  const p = {
    searchPath: '/ru/search/announce',
    searchInput: 'input[name=q]',
    searchSubmit: '[data-testid=search-submit]',
    results: '[data-testid=results]',
    resultRow: '[data-testid=result-row]',
    resultsText: 'Результаты поиска',
    query: '',
    ...params,
  };
  await step('open search page', async () => {
    await goto(p.searchPath);
  });
  await step('search announcements', async () => {
    await fill(p.searchInput, p.query);
    await click(p.searchSubmit);
    await expectText(p.resultsText);
  });
  await step('results listed', async () => {
    await expectVisible(`${p.results} ${p.resultRow}`);
    const rows = await page.locator(`${p.results} ${p.resultRow}`).count();
    if (rows === 0) throw new StepFailure('the search returned no announcements', 'assertion');
  });
});
