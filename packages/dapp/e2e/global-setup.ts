// Shared state for the browser tests, set up once through CosmJS (not under
// test): three providers the network page lists and filters (provider1
// storage/eu-west attested by the oracle, provider3 gpu/us-east, provider4
// compute/eu-west, which the DAO test jails), and USDC in the DAO treasury
// for the treasury-payment proposal.
import { clearDaoTurn, deployment, signer } from "./chain";

export default async function setup(): Promise<void> {
  clearDaoTurn();
  const { addresses } = deployment();
  const registry = addresses.providerRegistry;
  const providers: [string, string, string, string, string][] = [
    ["provider1", "storage", "eu-west", "10", "5000000"],
    ["provider3", "gpu", "us-east", "50", "2000000"],
    ["provider4", "compute", "eu-west", "20", "3000000"],
  ];
  for (const [name, service, region, price, stake] of providers) {
    const s = await signer(name);
    const known = await s.client.queryContractSmart(registry, { providers: { limit: 100 } });
    if (known.providers.some((p: { address: string }) => p.address === s.address)) continue;
    await s.execute(
      registry,
      {
        register: {
          service,
          endpoint: `https://${name}.example`,
          region,
          capacity: { amount: "1000", unit: "GiB" },
          prices: [{ denom: { native: "uusdc" }, per_unit: price }],
        },
      },
      [{ denom: "ustake", amount: stake }],
    );
    s.client.disconnect();
  }
  const arbiter = await signer("arbiter");
  const provider1 = (await signer("provider1")).address;
  await arbiter.execute(registry, { attest: { provider: provider1, score: 87, capacity: { amount: "900", unit: "GiB" } } });
  const deployer = await signer("deployer");
  await deployer.client.sendTokens(deployer.address, addresses.dao, [{ denom: "uusdc", amount: "2000000" }], 1.6);
  arbiter.client.disconnect();
  deployer.client.disconnect();
}
