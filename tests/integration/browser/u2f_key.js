// An older U2F-only security key (CTAP1: no PIN, no user verification, no resident keys) registers on the
// account page and logs in.
'use strict';
const { run, totp, loginWithCode, addSecurityKey, pastChanges } = require('./browser');

run(async (j, { context, page, screenshot }) => {
  const out = {};
  await addSecurityKey(context, page, { protocol: 'u2f', transport: 'usb', hasResidentKey: false,
    hasUserVerification: false, isUserVerified: false });
  await page.goto(`${j.base}/.sekisho/account`);
  await loginWithCode(page, j, totp(j.totp_key, Date.now() / 1000 + 30));
  await page.fill('#key-name', 'U2F key');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-register')]);
  out.registered_text = await page.textContent('body');
  await context.clearCookies();
  await page.goto(`${j.base}/patients/P000318`);
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  await Promise.all([page.waitForNavigation(), page.click('#passkey-login')]);
  out.changes_text = await pastChanges(page);
  out.url = page.url();
  out.text = await page.textContent('body');
  await screenshot('u2f-login');
  await page.goto(`${j.base}/.sekisho/account`);
  await Promise.all([page.waitForNavigation(), page.click('#keys button:has-text("このキーを削除")')]);
  out.after_remove_text = await page.textContent('body');
  out.keys_left = await page.locator('#keys').count();
  await screenshot('key-removed');
  return out;
});
