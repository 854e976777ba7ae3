// The operator dashboard in real headless Chromium (run by run_dashboard_test.sh, which starts
// swarmexd and passes its addresses): refused without a token; with one it shows every pool, and
// the trade count on the page changes when a trade is made with the swarmex CLI. Keeps a
// screenshot. Exits non-zero with the reason on the first failed check.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const dashboard = env('DASHBOARD_URL'); // http://127.0.0.1:PORT
const token = env('OPERATOR_TOKEN');
const pools = env('POOLS').split(',');
const cli = env('SWARMEX_CLI');
const server = env('SWARMEX_SERVER'); // ADDR:PORT of the binary protocol
const screenshot = env('SCREENSHOT');

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

function order(principal, args) {
  execFileSync(cli, ['order', 'new', '--server', server, '--principal', principal,
    '--token', `${principal}-token`, ...args], { stdio: 'inherit' });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A refused (text) page makes the browser ask for /favicon.ico, whose 404 may be logged late.
  page.on('console', (m) => {
    const url = (m.location() && m.location().url) || '';
    if (m.type() === 'error' && !url.endsWith('/favicon.ico')) errors.push(`${m.text()} ${url}`);
  });

  const refused = await page.goto(`${dashboard}/`);
  check(refused.status() === 401, `the page without a token is refused (${refused.status()})`);
  const wrong = await page.goto(`${dashboard}/?token=not-the-token`);
  check(wrong.status() === 401, 'the page with a wrong token is refused');
  check(!(await page.content()).includes(pools[0]), 'a refused page shows no pool');

  errors.length = 0; // the refusals above are logged as failed loads
  const loaded = await page.goto(`${dashboard}/?token=${encodeURIComponent(token)}`);
  check(loaded.status() === 200, 'the page loads with the operator token');
  await page.waitForSelector('#status.live', { timeout: 30000 });
  for (const pool of pools) {
    await page.waitForSelector(`section[data-pool="${pool}"] h3`, { timeout: 30000 });
    check((await page.textContent(`section[data-pool="${pool}"] h3`)) === pool, `pool ${pool} is shown`);
  }
  check(!page.url().includes('token='), 'the token is out of the address bar');

  const count = async () => Number((await page.textContent('#trade-count')).replaceAll(',', ''));
  const before = await count();
  order('host-a1', ['--keep-orders', '--instrument', '1', '--side', 'sell', '--price', '5000', '--qty', '40']);
  order('tenant-a', ['--instrument', '1', '--price', '5000', '--qty', '15']);
  await page.waitForFunction((n) => Number(document.getElementById('trade-count').textContent.replaceAll(',', '')) > n,
    before, { timeout: 30000 });
  check((await count()) > before, `the trade count went from ${before} to ${await count()}`);
  await page.waitForFunction(() => document.querySelectorAll('section[data-pool] .tape td').length > 0,
    null, { timeout: 30000 });
  check(true, 'the trade is on the tape');
  // Two history points at least, so the charts have a line to draw.
  await page.waitForTimeout(2500);
  check((await page.locator('.uplot').count()) >= pools.length, 'every pool has its charts');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
} finally {
  await browser.close();
}
