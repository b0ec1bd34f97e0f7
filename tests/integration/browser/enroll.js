// Enrollment without email: an admin's one-time link → the user sets a password → must add a second factor
// (a passkey for one user, an authenticator app by its QR code's key for the other) → ten recovery codes →
// the EHR, which sees the user. The spent link then opens nothing, and the passkey logs in again.
'use strict';
const { run, totp, addSecurityKey } = require('./browser');

async function setPassword(page, j, screenshot) {
  await page.fill('#password', 'password');  // refused by the profile
  await page.fill('#confirm', 'password');
  await Promise.all([page.waitForNavigation(), page.press('#confirm', 'Enter')]);
  const weak = await page.textContent('.error');
  await screenshot('password-refused');
  await page.fill('#password', j.password);
  await page.fill('#confirm', j.password + 'x');
  await Promise.all([page.waitForNavigation(), page.press('#confirm', 'Enter')]);
  const differ = await page.textContent('.error');
  await page.fill('#password', j.password);
  await page.fill('#confirm', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#confirm', 'Enter')]);
  return { weak, differ };
}

async function finish(page, out, prefix, screenshot) {
  out[`${prefix}_codes`] = await page.$$eval('#recovery-codes li', (items) => items.map((i) => i.textContent));
  out[`${prefix}_codes_title`] = await page.textContent('h1');
  await screenshot(`${prefix}-recovery-codes`);
  await Promise.all([page.waitForNavigation(), page.click('#continue')]);
  out[`${prefix}_ehr_url`] = page.url();
  out[`${prefix}_ehr_text`] = await page.textContent('body');
  await screenshot(`${prefix}-ehr`);
}

run(async (j, { browser, context, page, screenshot }) => {
  const out = {};
  await addSecurityKey(context, page);

  // A passkey.
  await page.goto(`${j.base}/.sekisho/enroll?t=${j.key_token}`);
  out.after_open_url = page.url();  // the token left the address bar
  out.password_heading = await page.textContent('h1');
  await screenshot('key-set-password');
  Object.assign(out, await setPassword(page, { ...j, password: j.password }, screenshot));
  out.factor_heading = await page.textContent('h1');
  await screenshot('key-choose-factor');
  await page.fill('#key-name', '白いキー');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-register')]);
  await finish(page, out, 'key', screenshot);

  // The same link again: spent.
  const again = await page.goto(`${j.base}/.sekisho/enroll?t=${j.key_token}`);
  out.reused_status = again.status();
  out.reused_text = await page.textContent('body');
  await screenshot('link-spent');

  // Log out, then in with password + the new passkey.
  await page.goto(`${j.base}/.sekisho/logout`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(`${j.base}/patients/P000123`);
  await page.fill('#username', j.key_user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  await Promise.all([page.waitForNavigation(), page.click('#passkey-login')]);
  out.key_login_url = page.url();
  out.key_login_text = await page.textContent('body');

  // An authenticator app, in another browser profile (a phone's QR scan is replaced by the key typed by hand).
  const other = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', viewport: { width: 1366, height: 768 } });
  const p2 = await other.newPage();
  const shot2 = async (name) => { await p2.screenshot({ path: `${j.screenshots}/app-${name}.png`, fullPage: true }); };
  await p2.goto(`${j.base}/.sekisho/enroll?t=${j.app_token}`);
  await setPassword(p2, j, shot2);
  out.key_button_on_factor_page = await p2.isVisible('#passkey-register');
  await Promise.all([p2.waitForNavigation(), p2.click('#choose-app')]);
  out.qr_svg = await p2.isVisible('#qr svg');
  const key = (await p2.textContent('#manual-key')).replace(/\s+/g, '');
  await shot2('qr-code');
  await p2.fill('#code', '000000' === totp(key, Date.now() / 1000) ? '111111' : '000000');
  await Promise.all([p2.waitForNavigation(), p2.press('#code', 'Enter')]);
  out.wrong_code_text = await p2.textContent('.error');
  out.same_key_after_wrong_code = (await p2.textContent('#manual-key')).replace(/\s+/g, '') === key;
  await shot2('wrong-code');
  await p2.fill('#code', totp(key, Date.now() / 1000));
  await Promise.all([p2.waitForNavigation(), p2.press('#code', 'Enter')]);
  await finish(p2, out, 'app', shot2);
  out.app_key = key;
  await other.close();
  return out;
});
