// A printed recovery code logs in once and never again; wrong codes typed again and again make the page
// say how long to wait; a return path pointing at another site lands on this site's top page; and a page on
// another site that posts the portal's logout form in the user's browser achieves nothing.
'use strict';
const { run } = require('./browser');

async function passwordStep(page, j, target) {
  await page.goto(`${j.base}${target}`);
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
}

async function code(page, value) {
  await page.fill('#code', value);
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  return { url: page.url(), text: await page.textContent('body') };
}

run(async (j, { context, page, screenshot }) => {
  const out = {};
  await passwordStep(page, j, '/.sekisho/login?rd=%2F%2Fevil.example%2F');
  out.recovery = await code(page, j.recovery_code);

  // CSRF: an attacker's page (served here for https://evil.test) posts the logout form the moment it opens.
  const attack = `<!doctype html><form id="out" method="post" action="${j.base}/.sekisho/logout"></form>
    <script>document.getElementById('out').submit();</script>`;
  await page.route('https://evil.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: attack }));
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${j.base}/.sekisho/logout`)), page.goto('https://evil.test/')]);
  out.csrf_status = posted.status();
  await page.waitForLoadState();
  out.csrf_text = await page.textContent('body');
  await screenshot('csrf-refused');
  await page.goto(`${j.base}/patients/P000123`);
  out.after_csrf_url = page.url();  // still logged in
  await context.clearCookies();
  await passwordStep(page, j, '/patients/P000123');
  out.recovery_again = await code(page, j.recovery_code);
  await screenshot('recovery-code-refused');
  // Wrong codes until the page says to wait: a half-done login allows a few codes, then the password again.
  for (let i = 0; i < 12 && !/失敗が続いたため/.test(out.last_wrong ? out.last_wrong.text : ''); i++) {
    if (await page.isVisible('#code')) {
      out.last_wrong = await code(page, '000000');
    } else {
      await passwordStep(page, j, '/patients/P000123');
      out.last_wrong = { url: page.url(), text: await page.textContent('body') };
    }
  }
  await screenshot('throttled');
  return out;
});
