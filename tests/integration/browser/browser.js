// What every browser scenario uses: Debian's Chromium through playwright-core, a name for the gateway that
// resolves to loopback (WebAuthn needs a domain name, never an IP), a 1366×768 window (the clinic's common
// screen), Japanese as the browser's language, a screenshot of every page, and TOTP codes (RFC 6238).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

// The scenario's job, from the Python test that started the servers: JSON in argv[2].
function job() {
  return JSON.parse(process.argv[2]);
}

async function open(j, { locale = 'ja-JP' } = {}) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP ${j.host} 127.0.0.1`],
  });
  // The gateway's test certificate is made by the test: not trusted by the browser, accepted here only.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(j.base)) external.push(r.url()); });
  let shot = 0;
  const screenshot = async (name) => {
    fs.mkdirSync(j.screenshots, { recursive: true });
    shot += 1;
    await page.screenshot({ path: path.join(j.screenshots, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  return { browser, context, page, screenshot, external };
}

function totp(base32Key, at) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Key.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// The id of the field that has the focus once the page has given it (Chromium applies autofocus after the load
// event, so typing at once can lose the first keys on a slow machine); '' when no field gets it within 5 s.
async function focusedField(page, id) {
  try {
    await page.waitForFunction((want) => document.activeElement && document.activeElement.id === want, id,
      { timeout: 15000 });
  } catch (_) { /* reported below: the test asserts which field has the focus */ }
  return page.evaluate(() => (document.activeElement && document.activeElement.id) || '');
}

// Password, then the code from the app (the next step's code: the enrollment spent the current one), by keyboard.
async function loginWithCode(page, j, code, screenshot) {
  const focused = await focusedField(page, 'username');
  if (focused !== 'username') throw new Error(`the login page gave the focus to '${focused}', not the user name`);
  await page.keyboard.type(j.user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(j.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#code');
  if (screenshot) await screenshot('code');
  await page.fill('#code', code);
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
}

// A security key in the browser: Chromium's DevTools virtual authenticator, added before any page calls
// WebAuthn (without one, navigator.credentials calls never settle in headless Chromium).
async function addSecurityKey(context, page, options = {}) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
    automaticPresenceSimulation: true, ...options } });
  return { cdp, authenticatorId };
}

// Runs a scenario: prints its result as one JSON line; any failure prints {"ok":false,"error":…} and exits 1.
async function run(scenario) {
  const j = job();
  const b = await open(j);
  try {
    const result = await scenario(j, b);
    result.external_requests = b.external;
    console.log(JSON.stringify({ ok: true, ...result }));
  } catch (e) {
    let text = '';
    try {
      await b.screenshot('failure');
      text = (await b.page.textContent('body')).slice(0, 400);
    } catch (_) { /* the page may be gone */ }
    console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e), url: b.page.url(), text }));
    process.exitCode = 1;
  } finally {
    await b.browser.close();
  }
}

// After a login: when the account changed since the previous one, the portal lists the changes first; the
// user checks them and goes on. Returns what the list said ('' when there was none).
async function pastChanges(page) {
  if (!(await page.$('#changes'))) return '';
  const text = await page.textContent('#changes');
  await Promise.all([page.waitForNavigation(), page.click('#continue')]);
  return text;
}

module.exports = { run, totp, focusedField, loginWithCode, addSecurityKey, pastChanges };
