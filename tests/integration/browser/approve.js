// An admin approves an SSH login with her security key while the PAM transaction waits at the terminal, then
// denies the next one, and a wrong code finds nothing. The Python test runs the PAM side (pamtester with
// pam_sekisho mode=approve) and hands over through files in j.sync: "ready" (the key is registered),
// "code1"/"code2" (the codes the terminal showed), "approved1"/"denied2" (the browser has decided).
'use strict';
const fs = require('fs');
const path = require('path');
const { run, totp, loginWithCode, addSecurityKey } = require('./browser');

async function waitForFile(j, name, ms = 90000) {
  const file = path.join(j.sync, name);
  for (const until = Date.now() + ms; Date.now() < until;) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${name}`);
}

async function openApproval(page, j, code) {
  await page.goto(`${j.base}/.sekisho/approve`);
  await page.fill('#approve-code', code);
  await Promise.all([page.waitForNavigation(), page.press('#approve-code', 'Enter')]);
}

run(async (j, { context, page, screenshot }) => {
  const out = {};
  await addSecurityKey(context, page);
  await page.goto(`${j.base}/.sekisho/approve`);  // not logged in: the login page, then back here
  await page.waitForSelector('#username');
  out.login_url = page.url();
  await loginWithCode(page, j, totp(j.totp_key, Date.now() / 1000 + 30));
  out.after_login_url = page.url();
  await screenshot('approve-code-form');
  await page.goto(`${j.base}/.sekisho/account`);
  await page.fill('#key-name', '管理者のキー');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-register')]);
  fs.writeFileSync(path.join(j.sync, 'ready'), '1');

  await openApproval(page, j, await waitForFile(j, 'code1'));
  out.details_text = await page.textContent('body');
  out.key_button = await page.isVisible('#passkey-login');
  await screenshot('approve-details');
  await Promise.all([page.waitForNavigation(), page.click('#passkey-login')]);
  out.approved_text = await page.textContent('body');
  await screenshot('approved');
  fs.writeFileSync(path.join(j.sync, 'approved1'), '1');

  await openApproval(page, j, await waitForFile(j, 'code2'));
  await Promise.all([page.waitForNavigation(), page.click('#approve-deny')]);
  out.denied_text = await page.textContent('body');
  await screenshot('denied');
  fs.writeFileSync(path.join(j.sync, 'denied2'), '1');

  await openApproval(page, j, '0000-0000');
  out.wrong_code_text = await page.textContent('body');
  return out;
});
