// On a site that requires user verification (a PIN or fingerprint on the key), a key that cannot verify its
// user is not registered, and the page says so; and a session left idle past session.idle_timeout is over:
// the EHR shows the login page again.
'use strict';
const { run, totp, loginWithCode, addSecurityKey } = require('./browser');

run(async (j, { context, page, screenshot }) => {
  const out = {};
  await addSecurityKey(context, page, { hasUserVerification: false, isUserVerified: false });
  await page.goto(`${j.base}/.sekisho/account`);
  await loginWithCode(page, j, totp(j.totp_key, Date.now() / 1000 + 30));
  out.options = JSON.parse(await page.getAttribute('#webauthn', 'data-options'));
  await page.click('#passkey-register');
  await page.waitForSelector('#webauthn-error:not([hidden])', { timeout: 20000 });
  out.error_text = await page.textContent('#webauthn-error');
  out.url_after_refusal = page.url();
  await screenshot('key-without-uv-refused');

  await page.goto(`${j.base}/patients/P000123`);
  out.before_idle = await page.textContent('header');
  await page.waitForTimeout(j.idle_seconds * 1000 + 7000);  // past the idle timeout and the gateway's 5 s cache
  await page.goto(`${j.base}/patients/P000123`);
  out.after_idle_url = page.url();
  await screenshot('after-idle-timeout');
  return out;
});
