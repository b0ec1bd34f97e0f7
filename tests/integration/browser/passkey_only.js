// Passkey-only login (webauthn.passkey_login): a nurse registers a passkey on her account page, then logs in
// with it alone — no user name, no password — and lands on the page she asked for. With the authenticator
// unable to verify her (no PIN or fingerprint), the passkey is not accepted.
'use strict';
const { run, totp, addSecurityKey, pastChanges } = require('./browser');

run(async (j, { context, page, screenshot }) => {
  const out = {};
  const { cdp, authenticatorId } = await addSecurityKey(context, page);
  await page.goto(`${j.base}/.sekisho/account`);
  out.passkey_button_before = await page.isVisible('#passkey-login');
  await screenshot('login-with-passkey-button');
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  await page.fill('#code', totp(j.totp_key, Date.now() / 1000 + 30));
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  await page.fill('#key-name', 'スマートフォン');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-register')]);
  out.registered_url = page.url();
  const stored = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  out.resident = stored.length === 1 && stored[0].isResidentCredential;

  await page.goto(`${j.base}/.sekisho/logout`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(`${j.base}/patients/P000123`);
  await Promise.all([page.waitForNavigation(), page.click('#passkey-login')]);
  out.changes_text = await pastChanges(page);
  out.passkey_url = page.url();
  out.passkey_text = await page.textContent('body');
  await screenshot('ehr-by-passkey-alone');

  await page.goto(`${j.base}/.sekisho/logout`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  await page.goto(`${j.base}/patients/P000123`);
  await page.click('#passkey-login');
  await page.waitForSelector('#webauthn-error:not([hidden])');
  out.unverified_url = page.url();
  out.unverified_error = await page.textContent('#webauthn-error');
  await screenshot('passkey-without-user-verification');
  return out;
});
