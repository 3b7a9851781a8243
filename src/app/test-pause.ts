// Test-only hook: DEVSTACK_TEST_PAUSE_AT=<step> makes devstack stop at that step of a recreate and wait there (up to
// ten minutes) to be killed, so a real-engine test can SIGKILL it between two steps deterministically.
// Steps: `after-rename` (old container renamed aside, new one not created yet), `after-create` (new one created,
// old one not removed yet). Unset, as in every normal run, it does nothing.
const PAUSE_LIMIT_MS = 600_000;

export async function pauseHereForTests(step: 'after-rename' | 'after-create'): Promise<void> {
  if (process.env.DEVSTACK_TEST_PAUSE_AT !== step) return;
  process.stderr.write(`devstack: paused at ${step} (DEVSTACK_TEST_PAUSE_AT)\n`);
  await new Promise((resolve) => setTimeout(resolve, PAUSE_LIMIT_MS));
}
