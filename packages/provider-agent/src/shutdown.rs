//! Stopping, in one place: SIGTERM or SIGINT flips one flag; every loop
//! checks it between transactions and sleeps through [`Shutdown::pause`], and
//! the HTTP servers end on [`Shutdown::wait`].

use std::time::Duration;

use tokio::sync::watch;

/// A handle on the stop flag; cheap to clone, one per task.
#[derive(Clone)]
pub struct Shutdown {
    flag: watch::Receiver<bool>,
}

impl Shutdown {
    /// A flag and the sender that raises it (tests raise it by hand).
    pub fn channel() -> (watch::Sender<bool>, Shutdown) {
        let (tx, flag) = watch::channel(false);
        (tx, Shutdown { flag })
    }

    /// A flag raised by SIGTERM or SIGINT.
    pub fn on_signals() -> Shutdown {
        let (tx, shutdown) = Shutdown::channel();
        tokio::spawn(signals(tx));
        shutdown
    }

    pub fn requested(&self) -> bool {
        *self.flag.borrow()
    }

    /// Sleeps, or returns false at once when the agent is stopping.
    pub async fn pause(&self, seconds: u64) -> bool {
        let mut flag = self.flag.clone();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(seconds)) => !self.requested(),
            _ = flag.changed() => false,
        }
    }

    /// Resolves once a stop is requested (or the sender is gone).
    pub async fn wait(self) {
        let mut flag = self.flag;
        while !*flag.borrow() {
            if flag.changed().await.is_err() {
                return;
            }
        }
    }
}

/// Waits for SIGTERM or SIGINT and raises the flag.
async fn signals(tx: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stop requested: finishing the transaction in flight");
    let _ = tx.send(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_ends_a_pause_at_once_and_releases_the_waiters() {
        let (tx, shutdown) = Shutdown::channel();
        assert!(!shutdown.requested());
        let pausing = tokio::spawn({
            let s = shutdown.clone();
            async move { s.pause(3600).await }
        });
        let waiting = tokio::spawn(shutdown.clone().wait());
        tx.send(true).unwrap();
        let paused = tokio::time::timeout(Duration::from_secs(5), pausing)
            .await
            .unwrap()
            .unwrap();
        assert!(!paused, "a pause cut short says the agent is stopping");
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        assert!(shutdown.requested());
        assert!(!shutdown.pause(0).await);
    }
}
