/**
 * An ETP's e-shop: search the catalogue, open a product card, see a price in tenge. `baseUrl` is the
 * ETP's storefront (the demo: `http://127.0.0.1:8090/etp/etp-alpha/`). Selectors: kuzet.yaml `params`.
 */
import { defineJourney, StepFailure } from '../probes/index.ts';

export default defineJourney('etp-catalogue', async ({ page, step, goto, fill, click, expectText, expectVisible, params }) => {
  const p = {
    cataloguePath: 'catalogue',
    searchInput: 'input[name=q]',
    searchSubmit: '[data-testid=catalogue-submit]',
    results: '[data-testid=catalogue-results]',
    productLink: '[data-testid=catalogue-results] [data-testid=product-link]',
    catalogueText: 'Каталог товаров',
    productCard: '[data-testid=product-card]',
    price: '[data-testid=price]',
    query: '',
    ...params,
  };
  await step('open catalogue', async () => {
    await goto(p.cataloguePath);
    await expectText(p.catalogueText);
  });
  await step('search catalogue', async () => {
    await fill(p.searchInput, p.query);
    await click(p.searchSubmit);
    await expectVisible(p.productLink);
  });
  await step('open product card', async () => {
    await click(p.productLink);
    await expectVisible(p.productCard);
  });
  await step('price shown', async () => {
    await expectVisible(p.price);
    const text = (await page.locator(p.price).first().innerText()).replace(/\s+/g, '');
    if (!/\d/.test(text)) throw new StepFailure(`price "${text}" has no amount`, 'assertion');
  });
});
