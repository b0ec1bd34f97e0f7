// A nurse logged in with her app code adds a security key on the account page, logs out, and logs in
// again with password + the key: the patient page opens with her name.
'use strict';
const { run, totp, loginWithCode, addSecurityKey, pastChanges } = require('./browser');

run(async (j, { context, page, screenshot }) => {
  const out = {};
  const { cdp, authenticatorId } = await addSecurityKey(context, page);
  await page.goto(`${j.base}/.sekisho/account`);
  await page.waitForSelector('#username');
  await loginWithCode(page, j, totp(j.totp_key, Date.now() / 1000 + 30));
  out.account_url = page.url();
  await screenshot('account');

  await page.fill('#key-name', '青いキー');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-register')]);
  out.after_register_url = page.url();
  out.after_register_text = await page.textContent('body');
  await screenshot('key-added');
  out.credentials_in_authenticator = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length;
  await page.fill('#keys input[name=name]', '赤いキー');
  await Promise.all([page.waitForNavigation(), page.click('#keys button:has-text("名前を変える")')]);
  out.after_rename_text = await page.textContent('body');
  await screenshot('key-renamed');

  await page.goto(`${j.base}/.sekisho/logout`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(`${j.base}/patients/P000123`);
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  out.key_button = await page.isVisible('#passkey-login');
  await screenshot('second-step-with-key');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-login')]);
  out.changes_shown = await page.isVisible('#changes');
  if (out.changes_shown) await screenshot('account-changes');
  out.changes_text = await pastChanges(page);
  out.after_key_login_url = page.url();
  out.after_key_login_text = await page.textContent('body');
  await screenshot('ehr');
  const sign = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0];
  out.sign_count = sign ? sign.signCount : -1;
  return out;
});
