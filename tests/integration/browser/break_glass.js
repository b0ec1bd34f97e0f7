// Break-glass: a nurse without her key or phone opens emergency access from the login page with her
// password, the sealed emergency code and a reason; the EHR opens with the banner on it. A wrong code is
// refused, and the code cannot be used a second time.
'use strict';
const { run } = require('./browser');

async function emergency(page, j, code, reason) {
  await page.fill('#username', j.user);
  await page.fill('#password', j.password);
  await page.fill('#code', code);
  await page.fill('#reason', reason);
  await Promise.all([page.waitForNavigation(), page.press('#reason', 'Enter')]);
}

run(async (j, { page, screenshot }) => {
  const out = {};
  await page.goto(`${j.base}/patients/P000123`);
  out.link_visible = await page.isVisible('#break-glass');
  await screenshot('login-with-emergency-link');
  await Promise.all([page.waitForNavigation(), page.click('#break-glass')]);
  out.page_url = page.url();
  out.page_heading = await page.textContent('h1');
  await screenshot('break-glass');

  await emergency(page, j, 'aaaa-bbbb-cccc', '急患対応');
  out.wrong_code_text = await page.textContent('.error');
  await screenshot('wrong-code');

  await emergency(page, j, j.emergency_code, '急患対応、キーを自宅に忘れた');
  out.ehr_url = page.url();
  out.banner = await page.textContent('#sekisho-break-glass');
  out.banner_visible = await page.isVisible('#sekisho-break-glass');
  out.ehr_text = await page.textContent('body');
  await screenshot('ehr-with-banner');

  await page.goto(`${j.base}/.sekisho/logout`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(`${j.base}/.sekisho/break-glass`);
  await emergency(page, j, j.emergency_code, '二回目');
  out.second_use_url = page.url();
  out.second_use_text = await page.textContent('.error');
  await screenshot('code-spent');
  return out;
});
