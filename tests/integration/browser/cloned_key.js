// A security key whose signature counter goes backwards (a copy of the key, made before the original was
// used again) is refused, and the page tells the user to use another factor.
'use strict';
const { run, totp, loginWithCode, addSecurityKey, pastChanges } = require('./browser');

async function passwordStep(page, j) {
  await page.goto(`${j.base}/patients/P000245`);
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
}

async function useKey(page) {
  await Promise.all([page.waitForNavigation(), page.click('#passkey-login')]);
  await pastChanges(page);  // the key added since the last login, on the first one
  return { url: page.url(), text: await page.textContent('body') };
}

run(async (j, { context, page, screenshot }) => {
  const out = {};
  const { cdp, authenticatorId } = await addSecurityKey(context, page);
  await page.goto(`${j.base}/.sekisho/account`);
  await loginWithCode(page, j, totp(j.totp_key, Date.now() / 1000 + 30));
  await Promise.all([page.waitForNavigation(), page.click('#passkey-register')]);
  const original = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0];

  // Two good logins: the counter moves up each time.
  for (let i = 0; i < 2; i++) {
    await context.clearCookies();
    await passwordStep(page, j);
    out[`login_${i}`] = (await useKey(page)).url;
  }
  // The copy: the same private key, with the counter it had at registration.
  await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
  await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: original.signCount } });
  await context.clearCookies();
  await passwordStep(page, j);
  const cloned = await useKey(page);
  out.cloned_url = cloned.url;
  out.cloned_text = cloned.text;
  await screenshot('cloned-key-refused');
  return out;
});
