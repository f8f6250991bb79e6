/**
 * The login page is reachable and shows its form. Never submits credentials: a monitor must not
 * lock out an account or log in as a supplier.
 */
import { defineJourney } from '../probes/index.ts';

export default defineJourney('portal-login', async ({ step, goto, expectStatus, expectText, expectVisible, params }) => {
  const p = { loginPath: '/user/login', loginForm: '[data-testid=login-form]', loginText: 'Вход в систему', ...params };
  await step('open login page', async () => {
    await goto(p.loginPath);
    expectStatus(200);
  });
  await step('login form shown', async () => {
    await expectText(p.loginText);
    await expectVisible(p.loginForm);
  });
});
