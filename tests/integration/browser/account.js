// A therapist looks after her own account on /.sekisho/account: she sees a failed and a good login in the
// recent logins and her two devices (the second a phone, logged in with a printed recovery code), logs the
// phone out, changes her password (a wrong current one and a weak new one are refused first), makes new
// recovery codes and adds an authenticator app on a new phone. Then the new password with a new code opens
// the EHR, and an old code is refused.
'use strict';
const { run, totp, loginWithCode, pastChanges } = require('./browser');

async function submit(page, action) {
  const [response] = await Promise.all([page.waitForNavigation(), action]);
  return response;
}

async function passwordStep(page, j, password) {
  await page.goto(`${j.base}/patients/P000123`);
  await page.fill('#username', j.user);
  await page.fill('#password', password);
  await submit(page, page.press('#password', 'Enter'));
}

// Password, then a printed recovery code: where that leads.
async function loginWithRecoveryCode(page, j, password, code) {
  await passwordStep(page, j, password);
  await page.fill('#code', code);
  await submit(page, page.press('#code', 'Enter'));
  await pastChanges(page);
  return page.url();
}

// The password form, by keyboard: Enter in its last field.
async function changePassword(page, current, next, again) {
  await page.fill('#current-password', current);
  await page.fill('#new-password', next);
  await page.fill('#confirm-password', again);
  return submit(page, page.press('#confirm-password', 'Enter'));
}

const texts = (page, selector) => page.$$eval(selector, (items) => items.map((i) => i.innerText));

run(async (j, { browser, context, page, screenshot }) => {
  const out = {};
  // A wrong password first, then password + the app's next code.
  await page.goto(`${j.base}/.sekisho/account`);
  await page.fill('#username', j.user);
  await page.fill('#password', 'wrong-Password#1');
  await submit(page, page.press('#password', 'Enter'));
  out.wrong_login_text = await page.textContent('.error');
  await loginWithCode(page, j, totp(j.totp_key, Date.now() / 1000 + 30));
  out.account_url = page.url();
  await screenshot('account');

  // A second device, a phone: password + one of the printed recovery codes.
  const phone = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP',
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p2 = await phone.newPage();
  const shot2 = async (name) => {
    await p2.screenshot({ path: `${j.screenshots}/phone-${name}.png`, fullPage: true });
  };
  out.phone_url = await loginWithRecoveryCode(p2, j, j.password, j.old_codes[0]);
  await p2.goto(`${j.base}/.sekisho/account`);
  await shot2('account');

  // Both devices and both logins are listed.
  await page.reload();
  out.recent = await texts(page, '#recent li');
  out.sessions = await page.$$eval('#sessions .key', (items) => items.map((i) => (
    { text: i.innerText, current: i.classList.contains('current') })));
  await screenshot('account-two-devices');

  await submit(page, page.click('#end-others'));
  out.end_others_url = page.url();
  out.end_others_text = await page.textContent('.ok');
  out.sessions_after = await page.locator('#sessions .key').count();
  await screenshot('others-logged-out');
  // The phone is back at the login page once the gateway's session cache (≤ 5 s) has let go.
  for (let i = 0; i < 30; i++) {
    await p2.goto(`${j.base}/patients/P000123`);
    if (p2.url().includes('/.sekisho/login')) break;
    await p2.waitForTimeout(500);
  }
  out.phone_after_url = p2.url();
  await shot2('logged-out');
  await phone.close();

  // The password: a wrong current one, a weak new one, then a good one.
  await changePassword(page, 'wrong-Password#1', j.new_password, j.new_password);
  out.wrong_current_text = await page.textContent('.error');
  await screenshot('password-wrong-current');
  await changePassword(page, j.password, 'password', 'password');
  out.weak_text = await page.textContent('.error');
  await screenshot('password-weak');
  await changePassword(page, j.password, j.new_password, j.new_password + 'x');
  out.differ_text = await page.textContent('.error');
  await changePassword(page, j.password, j.new_password, j.new_password);
  out.password_url = page.url();
  out.password_text = await page.textContent('.ok');
  await screenshot('password-changed');

  // Ten new recovery codes, shown once, then back to the account page.
  const codes = await submit(page, page.click('#renew-recovery-codes'));
  out.codes_status = codes.status();
  out.codes_notice = await page.textContent('.ok');
  out.codes = await texts(page, '#recovery-codes li');
  await screenshot('recovery-codes');
  await submit(page, page.click('#continue'));
  out.after_codes_url = page.url();
  out.codes_left = await page.textContent('#recovery-left');

  // Another authenticator app (the phone's QR scan replaced by the key typed by hand).
  await submit(page, page.click('#add-app'));
  out.app_url = page.url();
  out.qr_svg = await page.isVisible('#qr svg');
  out.app_back = await page.getAttribute('a:has-text("戻る")', 'href');
  const key = (await page.textContent('#manual-key')).replace(/\s+/g, '');
  await screenshot('app-qr-code');
  await page.fill('#code', totp(key, Date.now() / 1000) === '000000' ? '111111' : '000000');
  await submit(page, page.press('#code', 'Enter'));
  out.app_wrong_text = await page.textContent('.error');
  out.app_same_key = (await page.textContent('#manual-key')).replace(/\s+/g, '') === key;
  await screenshot('app-wrong-code');
  await page.fill('#code', totp(key, Date.now() / 1000));
  await submit(page, page.press('#code', 'Enter'));
  out.app_done_url = page.url();
  out.app_done_text = await page.textContent('.ok');
  out.app_count = await page.textContent('#app-count');
  await screenshot('app-added');
  await page.goto(`${j.base}/.sekisho/account?lang=en`);
  await screenshot('account-english');
  await page.goto(`${j.base}/.sekisho/account?lang=ja`);

  // Log out; the old password is refused, the new one with a new recovery code opens the EHR.
  await page.goto(`${j.base}/.sekisho/logout`);
  await submit(page, page.click('button[type=submit]'));
  await passwordStep(page, j, j.password);
  out.old_password_text = await page.textContent('.error');
  out.new_login_url = await loginWithRecoveryCode(page, j, j.new_password, out.codes[0]);
  out.new_login_text = await page.textContent('body');
  await screenshot('ehr-with-new-password');

  // A code printed before the new ones: refused.
  await context.clearCookies();
  out.old_code_url = await loginWithRecoveryCode(page, j, j.new_password, j.old_codes[1]);
  out.old_code_text = await page.textContent('.error');
  await screenshot('old-recovery-code-refused');
  return out;
});
