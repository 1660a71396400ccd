export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __uhrStopContainers?: () => Promise<void> }).__uhrStopContainers?.();
}
