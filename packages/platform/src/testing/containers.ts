import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';

/**
 * Where a Docker engine exists and no stack is running, integration tests get the same servers from their
 * official images (ADR 0002): PostgreSQL, Kafka 3.9.1 (KRaft), Keycloak with the uhr realm, SeaweedFS's S3
 * gateway (SigV4) and anvil; then the contracts are deployed. Returns the same variables scripts/stack.sh writes.
 */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function startContainers(
  root: string,
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const started: StartedTestContainer[] = [];
  const pg = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_USER: 'uhr', POSTGRES_PASSWORD: 'uhr-dev-password' })
    .withCopyFilesToContainer([
      { source: join(root, 'infra/postgres/init.sql'), target: '/docker-entrypoint-initdb.d/init.sql' },
    ])
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  started.push(pg);
  const pgUrl = `postgres://uhr:uhr-dev-password@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`;

  // Kafka must advertise the address the tests reach, so its host port is chosen before it starts.
  const kafkaPort = await freePort();
  const kafka = await new GenericContainer('apache/kafka:3.9.1')
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  started.push(kafka);

  const keycloak = await new GenericContainer('quay.io/keycloak/keycloak:26.4.7')
    .withCommand(['start-dev', '--import-realm'])
    .withEnvironment({ KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin-dev-password' })
    .withCopyFilesToContainer([
      { source: join(root, 'infra/keycloak/uhr-realm.json'), target: '/opt/keycloak/data/import/uhr-realm.json' },
    ])
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/realms/uhr/.well-known/openid-configuration', 8080).withStartupTimeout(180_000))
    .start();
  started.push(keycloak);

  const s3 = await new GenericContainer('chrislusf/seaweedfs:3.80')
    .withCommand(['server', '-dir=/data', '-s3', '-s3.port=8333', '-s3.config=/etc/seaweedfs/s3.json'])
    .withCopyFilesToContainer([{ source: join(root, 'infra/seaweedfs/s3.json'), target: '/etc/seaweedfs/s3.json' }])
    .withExposedPorts(8333)
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  started.push(s3);

  const chain = await new GenericContainer('ghcr.io/foundry-rs/foundry:v1.4.0')
    .withEntrypoint(['anvil', '--host', '0.0.0.0', '--chain-id', '31337'])
    .withExposedPorts(8545)
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  started.push(chain);

  const env: Record<string, string> = {
    // A local stack like scripts/stack.sh's: the services' development secrets apply.
    UHR_STACK: 'local',
    UHR_PG_URL: pgUrl,
    UHR_KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
    UHR_KEYCLOAK_URL: `http://${keycloak.getHost()}:${keycloak.getMappedPort(8080)}`,
    UHR_KEYCLOAK_REALM: 'uhr',
    UHR_S3_ENDPOINT: `http://${s3.getHost()}:${s3.getMappedPort(8333)}`,
    UHR_S3_ACCESS_KEY: 'uhr-dev-access',
    UHR_S3_SECRET_KEY: 'uhr-dev-secret-key-change-me',
    UHR_CHAIN_RPC_URL: `http://${chain.getHost()}:${chain.getMappedPort(8545)}`,
    UHR_DEPLOYMENTS_FILE: join(root, '.uhr', 'deployments.testcontainers.json'),
  };
  await new Promise<void>((resolve, reject) =>
    execFile(
      'npm',
      ['run', '-s', 'deploy', '-w', '@uhr/contracts', '--', '--force'],
      { cwd: root, env: { ...process.env, ...env } },
      (err, _o, stderr) => (err ? reject(new Error(`contract deployment failed: ${stderr}`)) : resolve()),
    ),
  );
  return { env, stop: async () => void (await Promise.all(started.map((c) => c.stop()))) };
}
