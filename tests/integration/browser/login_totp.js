// A nurse opens a patient page, is sent to the login page, logs in with password and a code from her
// authenticator app (oathtool's, from the test) using only the keyboard, lands on the patient page she asked
// for, logs out, and the EHR is closed again; the same code then does not log her in a second time.
'use strict';
const { run, focusedField } = require('./browser');

run(async (j, { page, screenshot }) => {
  const out = {};
  await page.goto(`${j.base}/patients/P000123`);
  out.login_url = page.url();
  out.login_lang = await page.getAttribute('html', 'lang');
  out.login_heading = await page.textContent('h1');
  await screenshot('login');

  out.username_focused = await focusedField(page, 'username');
  await page.keyboard.type(j.user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(j.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#code');
  out.code_focused = await focusedField(page, 'code');
  await screenshot('code');
  await page.keyboard.type(j.code);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  out.after_login_url = page.url();
  out.after_login_text = await page.textContent('body');
  await screenshot('ehr');

  await page.goto(`${j.base}/.sekisho/logout`);
  await screenshot('logout');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  out.logged_out_text = await page.textContent('body');
  await screenshot('logged-out');
  await page.goto(`${j.base}/patients/P000123`);
  out.after_logout_url = page.url();
  out.after_logout_cookies = (await page.context().cookies()).filter((c) => c.name === '__Host-sekisho').length;
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  await page.fill('#code', j.code);
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  out.replay_url = page.url();
  out.replay_text = await page.textContent('.error');
  await screenshot('same-code-again');
  out.cookies = (await page.context().cookies()).map((c) => ({ name: c.name, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite }));
  return out;
});
