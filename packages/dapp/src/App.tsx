// The application shell: header with the network and the wallet, and the page of the current route.
import { useChain } from "./chain/ChainProvider";
import { shortAddress } from "./lib/format";
import { ConsumerPage } from "./pages/consumer/ConsumerPage";
import { DaoPage } from "./pages/dao/DaoPage";
import { NetworkPage } from "./pages/network/NetworkPage";
import { ProviderDetail } from "./pages/network/ProviderDetail";
import { ProviderPage } from "./pages/provider/ProviderPage";
import { href, type Route, useRoute } from "./router";

const NAV: [string, string][] = [
  ["/network", "Network"],
  ["/provider", "Provider"],
  ["/consumer", "Consumer"],
  ["/dao", "DAO"],
];

function WalletButton() {
  const { account, connect, disconnect, connecting, walletError } = useChain();
  if (account) {
    return (
      <span className="wallet">
        <span data-testid="account" title={account.address}>
          {account.name ? `${account.name} · ` : ""}
          {shortAddress(account.address)}
        </span>{" "}
        <button type="button" className="link" onClick={disconnect}>
          disconnect
        </button>
      </span>
    );
  }
  return (
    <span className="wallet">
      <button type="button" onClick={() => void connect()} disabled={connecting}>
        {connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {walletError && (
        <span className="tx error" role="alert">
          {walletError}
        </span>
      )}
    </span>
  );
}

/** The page the route names; the network page for any other route. */
function CurrentPage({ route }: { route: Route }) {
  const [page, address] = route.path;
  if (page === "providers" && address) return <ProviderDetail address={address} />;
  if (page === "provider") return <ProviderPage />;
  if (page === "consumer") return <ConsumerPage route={route} />;
  if (page === "dao") return <DaoPage />;
  return <NetworkPage route={route} />;
}

export function App() {
  const route = useRoute();
  const { config } = useChain();
  const [page] = route.path;
  const current = `/${page ?? "network"}`;
  return (
    <>
      <header>
        <strong>DePIN</strong>
        <nav>
          {NAV.map(([path, label]) => (
            <a
              key={path}
              href={href(path)}
              className={current === path || (path === "/network" && current === "/providers") ? "active" : ""}
            >
              {label}
            </a>
          ))}
        </nav>
        <span className="network" data-testid="network">
          {config.chainName} ({config.chainId})
        </span>
        <WalletButton />
      </header>
      <main>
        <CurrentPage route={route} />
      </main>
    </>
  );
}
