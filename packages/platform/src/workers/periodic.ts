import type { Logger } from 'pino';

/** A running periodic task; `stop` ends it after the run in progress, if any. */
export interface Periodic {
  stop(): void;
  /** Runs the task now (outside the schedule), e.g. when a producer knows work is waiting. */
  poke(): void;
}

/**
 * Runs `task` every `intervalMs` — never two runs at once, the next one scheduled only after the previous one
 * ended, a failure logged and retried at the next tick — on timers that do not keep the process alive. The one
 * loop every service's sweepers, anchorers and pollers share.
 */
export function startPeriodic(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running = false;
  let again = false;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    task()
      .catch((err: Error) => logger.warn({ err: err.message, worker: name }, `${name} failed, will retry`))
      .finally(() => {
        running = false;
        schedule(again ? 0 : intervalMs);
        again = false;
      });
  };
  schedule(intervalMs);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
    poke: () => (running ? (again = true) : schedule(0)),
  };
}
